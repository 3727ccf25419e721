#!/bin/bash
# Benchmark: a full `ksymaudit tree` run on a distribution debug kernel next
# to a plain single-threaded libdw walk over every DIE of the same files
# (bench/dwarf-walk), in the same run, alternating, after one warm-up of
# each so both read from the page cache. Prints the median wall times, the
# ratio tree/walk (the bound is 1.5) and tree's peak RSS (/usr/bin/time).
# Not a pass/fail test (exit 0 unless a tool cannot run at all).
#
# Usage: bench/tree.sh KSYMAUDIT DWARF_WALK [RELEASE]
# RELEASE defaults to the newest /usr/lib/debug/boot/vmlinux-*; the inputs
# are Debian's layout (ksymaudit tree --release RELEASE): the debug vmlinux,
# /usr/lib/debug/lib/modules/RELEASE/kernel and the headers' Module.symvers.
# Environment: BENCH_RUNS (default 3); BENCH_ROOT, a directory a kernel was
# unpacked into (tools/fetch-debian-kernel.sh … --dbg: its root/), read
# instead of the installed one (/usr/lib/debug and /usr/src under it).
set -euo pipefail
ks=${1:?usage: tree.sh KSYMAUDIT DWARF_WALK [RELEASE]}
walk=${2:?usage: tree.sh KSYMAUDIT DWARF_WALK [RELEASE]}
rel=${3:-}
broot=${BENCH_ROOT:-}
if [ -z "$rel" ]; then
	v=$(ls -1 "$broot"/usr/lib/debug/boot/vmlinux-* 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$v" ] || { echo "bench: no /usr/lib/debug/boot/vmlinux-* (install linux-image-*-dbg)" >&2; exit 2; }
	rel=${v#/usr/lib/debug/boot/vmlinux-}
fi
vmlinux=$broot/usr/lib/debug/boot/vmlinux-$rel
mods=$broot/usr/lib/debug/lib/modules/$rel/kernel
tree_in=(--release "$rel")
[ -z "$broot" ] || tree_in=(--vmlinux "$vmlinux" -m "$mods" -s "$broot/usr/src/linux-headers-$rel/Module.symvers")
[ -f "$vmlinux" ] && [ -d "$mods" ] || { echo "bench: $rel: debug kernel not installed" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # one NAME CMD...: appends "seconds rss_kb" to $tmp/NAME
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
		local s=$?
		# tree exits 1 when it has findings; anything else is a failure.
		if [ "${name%-warm}" != tree ] || [ $s != 1 ]; then
			echo "bench: $name failed (exit $s):" >&2; cat "$tmp/err" >&2; exit 2
		fi
	}
	tail -1 "$tmp/t" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "inputs: $vmlinux and $(find "$mods" -name '*.ko' | wc -l) modules under $mods"
one walk-warm "$walk" "$vmlinux" "$mods"
one tree-warm "$ks" tree "${tree_in[@]}" -o "$tmp/report.txt"
for _ in $(seq "$runs"); do
	one walk "$walk" "$vmlinux" "$mods"
	one tree "$ks" tree "${tree_in[@]}" -o "$tmp/report.txt"
done
w=$(cut -d' ' -f1 "$tmp/walk" | median)
t=$(cut -d' ' -f1 "$tmp/tree" | median)
rss=$(cut -d' ' -f2 "$tmp/tree" | sort -n | tail -1)
wrss=$(cut -d' ' -f2 "$tmp/walk" | sort -n | tail -1)
echo "libdw walk over every DIE (1 thread): ${w} s, peak RSS $((wrss / 1024)) MiB"
echo "ksymaudit tree ($(nproc) CPUs):        ${t} s, peak RSS $((rss / 1024)) MiB"
awk -v t="$t" -v w="$w" 'BEGIN { printf "ratio tree/walk: %.2f (bound 1.5)\n", t / w }'
for c in inline-exposure export-wrapper export-mismatch; do
	echo "$c: $(grep -c "\[$c\]" "$tmp/report.txt" || true) findings"
done
