#!/bin/sh
# Runs every bundled image under qemu-system-x86_64 (TCG, no KVM needed) with its
# default arguments (images/<name>.args) and compares the serial output with
# expected/<name>.txt (what the same C code prints when built for the host).
# Each run must also end through isa-debug-exit with status 1 (guest code 0).
#
#   guests/scripts/qemu-compare.sh [name ...]
# Exit status: 0 all equal, 1 a difference or a bad status, 77 QEMU not installed.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
qemu=${QEMU:-qemu-system-x86_64}
if ! command -v "$qemu" >/dev/null 2>&1; then
    echo "qemu-compare: $qemu not found; skipped (install qemu-system-x86)" >&2
    exit 77
fi
names=${*:-"hello compute memwalk pt-churn io timer syscall"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for name in $names; do
    img=$here/images/$name.elf
    args=$(cat "$here/images/$name.args" 2>/dev/null || true)
    timeout "${QEMU_TIMEOUT:-120}" "$qemu" -kernel "$img" -append "$args" \
        -serial stdio -display none -monitor none -no-reboot -m 512 \
        -device isa-debug-exit,iobase=0xf4,iosize=0x4 </dev/null >"$tmp/$name.out" 2>"$tmp/$name.err"
    status=$?
    if [ "$status" -ne 1 ]; then
        echo "FAIL $name: exit status $status (want 1 = guest exit code 0)"
        sed 's/^/    /' "$tmp/$name.err" | head -5
        failed=1
    elif ! diff -u "$here/expected/$name.txt" "$tmp/$name.out" >"$tmp/$name.diff"; then
        echo "FAIL $name: output differs from expected/$name.txt"
        sed 's/^/    /' "$tmp/$name.diff" | head -20
        failed=1
    else
        echo "ok   $name ($(wc -l <"$tmp/$name.out") lines)"
    fi
done
exit $failed
