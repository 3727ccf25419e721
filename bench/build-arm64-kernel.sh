#!/bin/bash
# The arm64 truth for bench/decode.sh: the 7.x sources that
# tools/build-test-kernel-7.sh unpacked ($KSYMAUDIT_DATA/kernel7/src),
# cross-built for arm64 (gcc-aarch64-linux-gnu, installed by
# tools/setup-debian.sh --test-data) as tinyconfig + MODULES, DWARF 5,
# JUMP_LABEL and PREEMPT, into $KSYMAUDIT_DATA/kernel7-arm64: vmlinux.o
# (relocations: the truth) and vmlinux (none for its code: decoded).
# About 10 minutes on 2 CPUs; a second run finds vmlinux and stops.
# Usage: bench/build-arm64-kernel.sh
set -euo pipefail
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
src=$data/kernel7/src out=$data/kernel7-arm64
[ -s "$src/Makefile" ] || { echo "no $src: run tools/build-test-kernel-7.sh" >&2; exit 1; }
command -v aarch64-linux-gnu-gcc >/dev/null || { echo "no aarch64-linux-gnu-gcc" >&2; exit 1; }
[ -s "$out/vmlinux" ] && [ -s "$out/vmlinux.o" ] && { echo "$out: built"; exit 0; }
mk=(make -C "$src" O="$out" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
mkdir -p "$out"
"${mk[@]}" tinyconfig >"$out.log" 2>&1
"$src/scripts/config" --file "$out/.config" --enable 64BIT --enable MODULES \
	--enable DEBUG_KERNEL --disable DEBUG_INFO_NONE --enable DEBUG_INFO_DWARF5 \
	--enable JUMP_LABEL --enable PRINTK --enable BLOCK --enable SYSFS --enable PROC_FS \
	--disable PREEMPT_NONE --disable PREEMPT_LAZY --disable PREEMPT_VOLUNTARY --enable PREEMPT
"${mk[@]}" olddefconfig >>"$out.log" 2>&1
for o in JUMP_LABEL DEBUG_INFO_DWARF5 MODULES; do
	grep -q "^CONFIG_$o=y" "$out/.config" || { echo "CONFIG_$o did not stick (log: $out.log)" >&2; exit 1; }
done
"${mk[@]}" -j"$(nproc)" vmlinux >>"$out.log" 2>&1 || { tail -20 "$out.log" >&2; exit 1; }
echo "$out: vmlinux.o and vmlinux built (log: $out.log)"
