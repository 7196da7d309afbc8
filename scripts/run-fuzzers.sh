#!/bin/sh
# Build the libFuzzer harnesses (tests/fuzz/) with clang, AddressSanitizer
# and UndefinedBehaviorSanitizer in their own build directory, seed each
# one's corpus from the test data and run it for a bounded time.
#
#   scripts/run-fuzzers.sh [SECONDS_PER_HARNESS]    default 25
#
# Environment: FUZZ_BUILD (default build-fuzz), FUZZ_JOBS (ninja -j).
# A harness fails when libFuzzer finds a crash, a leak, undefined
# behaviour, a timeout or a broken invariant; the input is kept in
# $FUZZ_BUILD/fuzz-artifacts/ (add it to tests/fuzz/regress/NAME/ once
# fixed). The last line reads "run-fuzzers: N passed, N failed".
# docs/fuzzing.md describes the harnesses.
set -euf

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
secs=${1:-25}
dir="$top/${FUZZ_BUILD:-build-fuzz}"

if [ ! -f "$dir/build.ninja" ]; then
    CC=clang meson setup "$dir" -Dfuzz=enabled -Db_sanitize=address,undefined \
        -Db_lundef=false -Dbuildtype=debugoptimized
fi
ninja -C "$dir" ${FUZZ_JOBS:+-j "$FUZZ_JOBS"}

# The seeds: the same test data the replay tests use (tests/fuzz/meson.build)
seeds() {
    case $1 in
    domainxml) echo '*.xml tests/domainxmldata tests/qemuxmlconfdata tests/domainschemadata examples' ;;
    hostcaps) echo '*.xml tests/hostcapsdata' ;;
    qemucaps) echo '*.xml tests/qemucapabilitiesdata' ;;
    qmp) echo '* tests/fuzz/seeds/qmp' ;;
    pciconfig) echo 'config tests/hostdata' ;;
    iommuregs) echo '* tests/hostdata' ;;
    esac
}

pass=0
fail=0
report=""
art="$dir/fuzz-artifacts"
mkdir -p "$art"
for name in domainxml hostcaps qemucaps qmp pciconfig iommuregs; do
    corpus="$dir/fuzz-corpus/$name"
    rm -rf "$corpus"
    mkdir -p "$corpus"
    set -- $(seeds $name)
    glob=$1
    shift
    # regular files only (host trees hold links back into themselves);
    # the corpus is a flat directory, so number the copies
    n=0
    for f in $(find "$@" "tests/fuzz/regress/$name" -type f -name "$glob" 2>/dev/null; \
               find "tests/fuzz/regress/$name" -type f 2>/dev/null); do
        n=$((n + 1))
        cp "$f" "$corpus/seed-$n"
    done
    log="$dir/fuzz-$name.log"
    rc=0
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        "$dir/tests/fuzz/fuzz-$name" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$art/$name-" "$corpus" >"$log" 2>&1 || rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    size=$(ls "$corpus" | wc -l)
    if [ $rc -eq 0 ]; then
        pass=$((pass + 1))
        verdict=ok
    else
        fail=$((fail + 1))
        verdict="FAILED (exit $rc, see $log)"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz invariant)' "$log" | head -5 || true
    fi
    line="fuzz-$name: ${execs:-0} executions in ${secs} s, $n seeds, corpus $size inputs: $verdict"
    echo "$line"
    report="$report$line
"
done

printf '%s' "$report" > "$dir/fuzz-summary.txt"
echo "run-fuzzers: $pass passed, $fail failed"
[ $fail -eq 0 ]
