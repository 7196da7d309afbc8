#!/bin/sh
# Run the whole libvirt-viommu test suite on a fresh Debian bookworm
# machine: installs the dependencies (apt, as root), builds the QEMU 11.1
# chroot used by the real-QEMU suite, builds the project twice (plain, and
# with AddressSanitizer + UndefinedBehaviorSanitizer) and runs every suite
# in both builds, the unit suite once more under valgrind, and each libFuzzer
# harness for a bounded time in a third (clang) build. Exit status 0 only
# when everything passed.
#
#   scripts/run-tests.sh            everything
#   SKIP_SANITIZERS=1 scripts/run-tests.sh   no ASan/UBSan build
#   SKIP_VALGRIND=1 / SKIP_FUZZ=1            no valgrind run / no fuzzing
#   FUZZ_SECONDS=N                           seconds per fuzz harness (25)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

"$top/scripts/install-deps.sh"

# QEMU 11.1.x for the real-QEMU suite and the guest for the guest-visible
# suite (both cached outside the tree; need root)
if [ "$(id -u)" -eq 0 ]; then
    "$top/scripts/qemu-11-chroot.sh"
    "$top/scripts/guest-image.sh"
elif command -v sudo >/dev/null 2>&1; then
    sudo -E "$top/scripts/qemu-11-chroot.sh"
    sudo -E "$top/scripts/guest-image.sh"
fi

summary=""
total_pass=0
total_fail=0

run_build() {
    name=$1
    shift
    dir="$top/$name"
    if [ ! -f "$dir/build.ninja" ]; then
        meson setup "$dir" "$@"
    else
        meson setup --reconfigure "$dir" "$@" >/dev/null
    fi
    ninja -C "$dir"
    rc=0
    meson test -C "$dir" --print-errorlogs --num-processes 2 $test_args || rc=$?
    # Each test program ends with "PROG: N passed, N failed"; add them up
    # (test cases, not programs), and count programs meson saw fail.
    log="$dir/meson-logs/testlog.txt"
    counts=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" |
             awk '{ p += $2; f += $4 } END { printf "%d %d", p, f }')
    pass=${counts% *}
    fail=${counts#* }
    progfail=$(grep -c -E '"result": "(FAIL|ERROR|TIMEOUT)"' "$dir/meson-logs/testlog.json" || true)
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail + progfail))
    summary="$summary $name: $pass cases passed, $fail failed, $progfail programs failed;"
    return $rc
}

# valgrind memcheck over the unit suite of the plain build (the real-QEMU
# suite is left out: under valgrind it would take longer than CI allows)
run_valgrind() {
    dir="$top/build"
    rm -f "$dir"/meson-logs/valgrind-*.log
    rc=0
    meson test -C "$dir" --setup valgrind --suite unit --no-suite script --print-errorlogs \
        --num-processes 2 || rc=$?
    log="$dir/meson-logs/testlog-valgrind.txt"
    counts=$(grep -E '^[A-Za-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" |
             awk '{ p += $2; f += $4 } END { printf "%d %d", p, f }')
    pass=${counts% *}
    fail=${counts#* }
    progfail=$(grep -c -E '"result": "(FAIL|ERROR|TIMEOUT)"' "$dir/meson-logs/testlog-valgrind.json" || true)
    # the per-process reports of memcheck: print those with errors or leaks
    for f in $(grep -l -E 'ERROR SUMMARY: [1-9]' "$dir"/meson-logs/valgrind-*.log 2>/dev/null); do
        cat "$f"
    done
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail + progfail))
    summary="$summary valgrind: $pass cases passed, $fail failed, $progfail programs failed;"
    return $rc
}

# libFuzzer: each harness for a bounded time in a clang build (one case
# per harness)
run_fuzzers() {
    out="$top/build/run-fuzzers.log"
    rc=0
    "$top/scripts/run-fuzzers.sh" "${FUZZ_SECONDS:-25}" 2>&1 | tee "$out" || true
    line=$(grep -E '^run-fuzzers: [0-9]+ passed, [0-9]+ failed' "$out" || echo "run-fuzzers: 0 passed, 1 failed")
    set -- $line
    [ "$4" -eq 0 ] || rc=1
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $4))
    summary="$summary fuzz: $2 harnesses passed, $4 failed;"
    return $rc
}

status=0
test_args=""
run_build build || status=1
if [ "${SKIP_VALGRIND:-0}" != 1 ]; then
    run_valgrind || status=1
fi
# The guest-visible suite boots guests under TCG (the time is QEMU's, not
# ours); its own code runs in the plain build, so the sanitizer build skips
# those boots.
test_args="--no-suite guestview"
if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
    run_build build-sanitize -Db_sanitize=address,undefined -Db_lundef=false \
        -Dbuildtype=debug || status=1
fi
if [ "${SKIP_FUZZ:-0}" != 1 ]; then
    run_fuzzers || status=1
fi

echo "per build:$summary"
echo "run-tests: $total_pass passed, $total_fail failed"
exit $status
