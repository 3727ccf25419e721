#!/bin/bash
# The decoder (src/readers/decode*.c) against relocations, on a fixture
# built at test time for x86-64 and arm64 (tests/tree/decode/refs.c: calls,
# tail calls, data references of every addressing form, static keys in the
# kernel's __jump_table layout; after alt.c's code, with an arm64
# alternative, in one .text as ld -r makes vmlinux.o): the relocatable
# object is the truth, the
# same code linked and stripped of every relocation is what ksymaudit reads
# as it reads a 6.12 or 7.x debug vmlinux. Calls, data and static keys must
# each match 100 %, both ways (bench/refs-compare --min 100).
# Usage: test-decode.sh REFS_COMPARE SRC_DIR
# An arch whose cross compiler is missing is skipped (the x86-64 one is
# the build compiler); without any, exit 77.
set -euo pipefail
cmp=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran=0 fail=0
for t in x86_64-linux-gnu aarch64-linux-gnu; do
	cc=$t-gcc oc=$t-objcopy
	if [ "$t" = "$(gcc -dumpmachine)" ]; then cc=gcc oc=objcopy; fi
	if ! command -v "$cc" >/dev/null || ! command -v "$oc" >/dev/null; then
		echo "SKIP $t: no $cc" >&2
		continue
	fi
	o=$tmp/refs-$t
	# One .text, alt.c's first, combined by ld -r as vmlinux.o is.
	for f in alt refs; do
		"$cc" -O2 -fno-pic -fno-stack-protector -fdata-sections \
			-c "$src/$f.c" -o "$o-$f.o"
	done
	"$t-ld" -r -o "$o.o" "$o-alt.o" "$o-refs.o"
	"$cc" -nostdlib -static -no-pie -Wl,--emit-relocs -Wl,-e,entry -o "$o" "$o.o"
	"$oc" --remove-relocations='*' "$o" "$o.stripped"
	if readelf -SW "$o.stripped" | grep -c ' RELA ' >/dev/null; then
		echo "FAIL $t: objcopy left relocations" >&2; fail=1; continue
	fi
	echo "== $t"
	if ! "$cmp" -v --min 100 "$o.o" "$o.stripped"; then
		echo "FAIL $t: decoded references differ from the relocations" >&2
		fail=1
	fi
	ran=$((ran + 1))
done
[ $ran -gt 0 ] || exit 77
exit $fail
