#!/bin/bash
# Benchmark of the decoder (issue 13): references decoded from the code of a
# vmlinux without relocations next to the truth, the relocations of the same
# kernel (bench/refs-compare), per class (calls, data references, static
# keys), and what decoding costs on a distribution kernel.
#   - the 7.x kernel of tools/build-test-kernel-7.sh: vmlinux.o vs vmlinux
#     (no relocations, as 6.15+ links it), and vmlinux.unstripped vs vmlinux;
#   - the 6.1 kernel of tools/build-test-kernel.sh: vmlinux.o vs vmlinux
#     (linked with --emit-relocs: decoding forced);
#   - the same 7.x sources cross-built for arm64 by
#     bench/build-arm64-kernel.sh: vmlinux.o vs vmlinux;
#   - Debian 12's 6.1 cloud debug vmlinux (installed; --emit-relocs): its own
#     relocations vs its code decoded (a full distribution kernel: SMP,
#     zero-based per-CPU data, paravirt, alternatives);
#   - the time (user CPU) and peak memory of decoding sid's 7.x debug vmlinux
#     and of Debian 13's 6.12 one: refs-compare of the image with itself reads
#     it twice (once through ka_refs_collect, once forced).
# Usage: bench/decode.sh REFS_COMPARE. Not a pass/fail test: parts whose data
# is missing are said so and skipped.
set -uo pipefail
cmp=${1:?usage: decode.sh REFS_COMPARE}
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
run() { echo "== $1 vs $2"; "$cmp" "$1" "$2" | sed -n '/^class/,$p'; }
for k in "$data/kernel7/old" "$data/kbuild-old" "$data/kernel7-arm64"; do
	[ -s "$k/vmlinux.o" ] || { echo "== $k: missing (tools/build-test-kernel*.sh, bench/build-arm64-kernel.sh)"; continue; }
	run "$k/vmlinux.o" "$k/vmlinux"
	[ ! -s "$k/vmlinux.unstripped" ] || run "$k/vmlinux.unstripped" "$k/vmlinux"
done
v=$(ls -1 /usr/lib/debug/boot/vmlinux-6.1* 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$v" ]; then run "$v" "$v"; else echo "== no Debian 12 debug vmlinux installed"; fi
for e in "$data/sid-amd64-cloud/env-dbg" "$data/trixie-amd64-cloud/env-dbg"; do
	[ -s "$e" ] || { echo "== $e: missing"; continue; }
	VMLINUX=$(sed -n 's/^VMLINUX=//p' "$e")
	echo "== decoding $VMLINUX twice"
	/usr/bin/time -f "%U s user, %e s wall, %M KiB peak" "$cmp" "$VMLINUX" "$VMLINUX" 2>&1 |
		grep -E '^(decoded:|static|calls |data |[0-9.]+ s user)'
done
exit 0
