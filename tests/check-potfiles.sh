#!/bin/sh
# Fails when a source file that marks messages for translation (_() or N_())
# is missing from po/POTFILES, or when POTFILES names a file that is gone.
top=${1:-.}
cd "$top" || exit 2
fail=0
checked=0
for f in $(find src tools -name "*.c" | sort); do
    if grep -qE '(^|[^A-Za-z0-9_])N?_\("' "$f"; then
        checked=$((checked + 1))
        if ! grep -qx "$f" po/POTFILES; then
            echo "missing from po/POTFILES: $f"
            fail=$((fail + 1))
        fi
    fi
done
for f in $(cat po/POTFILES); do
    if [ ! -f "$f" ]; then
        echo "po/POTFILES names a missing file: $f"
        fail=$((fail + 1))
    fi
done
echo "potfiles: $((checked - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
