#!/bin/sh
# Runs a VMX workload (default: vmx-basic) under Bochs, an independent VT-x implementation,
# and prints its serial output. Bochs has no isa-debug-exit device, so the run is stopped
# once the guest prints its summary line ("NAME: N checks, ...") or a kit failure line.
# The image is booted by GRUB (multiboot) from an ISO made with grub-mkrescue.
#
#   guests/scripts/bochs-run.sh [name]          (Debian: apt-get install bochs bochs-term
#                                                 bochsbios vgabios grub-pc-bin grub-common
#                                                 xorriso mtools)
# Exit status: 0 summary printed with 0 mismatches, 1 otherwise, 77 a tool is missing.
#
# Bochs' capability MSRs differ from vtsim's model CPU (revision identifier, some allowed-1
# bits, a BIOS that has already locked IA32_FEATURE_CONTROL), so only those lines of its
# output differ from expected/NAME.txt; everything the SDM prescribes must be equal.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
name=${1:-vmx-basic}
for tool in bochs grub-mkrescue xorriso script; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "bochs-run: $tool not found; skipped" >&2
        exit 77
    fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/iso/boot/grub"
cp "$here/images/$name.elf" "$tmp/iso/boot/"
args=$(cat "$here/images/$name.args" 2>/dev/null || true)
cat >"$tmp/iso/boot/grub/grub.cfg" <<EOF
set timeout=0
menuentry "$name" {
  multiboot /boot/$name.elf $args
  boot
}
EOF
grub-mkrescue -o "$tmp/boot.iso" "$tmp/iso" >"$tmp/mkrescue.log" 2>&1 || {
    echo "bochs-run: grub-mkrescue failed" >&2; cat "$tmp/mkrescue.log" >&2; exit 1; }
cat >"$tmp/bochsrc" <<EOF
display_library: term
megs: 512
cpu: model=corei7_skylake_x, ips=50000000
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
ata0-master: type=cdrom, path=$tmp/boot.iso, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev=$tmp/serial.txt
log: $tmp/bochs.log
panic: action=fatal
EOF
echo c >"$tmp/cmds"   # the Debian build has the debugger: continue at once
# The term display needs a terminal: script(1) gives it one.
# setsid: its own process group, so the whole run (script, bochs) can be ended by that id.
(cd "$tmp" && TERM=xterm exec setsid script -qfc "bochs -q -f bochsrc -rc cmds" /dev/null \
    </dev/null >/dev/null 2>&1) &
runner=$!
limit=${BOCHS_TIMEOUT:-300}
waited=0
result=1
while [ "$waited" -lt "$limit" ]; do
    sleep 2
    waited=$((waited + 2))
    if [ -f "$tmp/serial.txt" ] && tr -d '\r' <"$tmp/serial.txt" \
            | grep -Eq "^$name: [0-9]+ checks|^kit: |^$name: this CPU has no VMX"; then
        tr -d '\r' <"$tmp/serial.txt" | grep -Eq "^$name: [0-9]+ checks, 0 mismatches" && result=0
        break
    fi
    kill -0 "$runner" 2>/dev/null || break
done
kill -TERM -- "-$runner" 2>/dev/null || kill "$runner" 2>/dev/null
wait "$runner" 2>/dev/null
# print from the guest's first line on (GRUB writes screen control codes before it)
tr -d '\r' <"$tmp/serial.txt" 2>/dev/null | sed -n "/^$name: /,\$p"
[ "$waited" -ge "$limit" ] && echo "bochs-run: no summary after ${limit}s" >&2
exit $result
