#!/bin/bash
# References decoded from a vmlinux without relocations against the truth,
# the relocations of the same kernel's vmlinux.o (bench/refs-compare):
# calls, data references and static keys, each >= 99 % recall and
# precision (issue 13). Kernels: the 7.x build of tools/build-test-kernel-7.sh
# ($KSYMAUDIT_DATA/kernel7/old: its vmlinux has no relocations, as 6.15+
# links it; JUMP_LABEL, so static keys are measured) and the 6.1 build of
# tools/build-test-kernel.sh (kbuild-old: vmlinux linked with --emit-relocs,
# decoding forced; no JUMP_LABEL there).
# Usage: decode-vs-relocs.sh REFS_COMPARE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
cmp=$1
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
k7=$data/kernel7/old k61=$data/kbuild-old
[ -s "$k7/vmlinux.o" ] && [ -s "$k7/vmlinux" ] || rk_skip "no $k7: run tools/build-test-kernel-7.sh"
[ -s "$k61/vmlinux.o" ] && [ -s "$k61/vmlinux" ] || rk_skip "no $k61: run tools/build-test-kernel.sh"
fail=0
for k in "$k7" "$k61"; do
	echo "== $k"
	out=$("$cmp" --min 99 "$k/vmlinux.o" "$k/vmlinux") || { echo "$out"; echo "FAIL: $k below 99 %" >&2; fail=1; continue; }
	echo "$out"
	# every class measured on something (static keys: the 7.x kernel)
	for c in calls data; do
		n=$(awk -v c="$c" '$1 == c && $2 ~ /^[0-9]+$/ { print $2 }' <<<"$out")
		[ "${n:-0}" -gt 1000 ] || { echo "FAIL: $k: only ${n:-0} $c in the truth" >&2; fail=1; }
	done
	if [ "$k" = "$k7" ]; then
		n=$(awk '$1 == "static" { print $3 }' <<<"$out")
		[ "${n:-0}" -gt 100 ] || { echo "FAIL: $k: only ${n:-0} static keys in the truth" >&2; fail=1; }
		grep -q 'no relocations for its code: as the tool reads it' <<<"$out" ||
			{ echo "FAIL: $k/vmlinux has relocations for its code: not what 7.x links" >&2; fail=1; }
	fi
done
exit $fail
