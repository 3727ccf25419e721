#!/bin/bash
# Benchmark: a full `ksymaudit tree` run on a distribution debug kernel next
# to a plain single-threaded libdw walk over every DIE of the same files
# (bench/dwarf-walk), in the same run, alternating, after one warm-up of
# each so both read from the page cache. Prints the median wall times, the
# ratio tree/walk (the bound is 1.0) and tree's peak RSS (/usr/bin/time).
# Not a pass/fail test (exit 0 unless a tool cannot run at all).
#
# Usage: bench/tree.sh KSYMAUDIT DWARF_WALK [RELEASE]
# RELEASE defaults to the newest /usr/lib/debug/boot/vmlinux-*; the inputs
# are Debian's layout (ksymaudit tree --release RELEASE): the debug vmlinux,
# /usr/lib/debug/lib/modules/RELEASE/kernel and the headers' Module.symvers.
# tree runs with --no-cache (every file walked); one more run with a warm
# cache is reported beside it.
# Environment: BENCH_RUNS (default 3); BENCH_ROOT, a directory the packages
# were unpacked into (tools/fetch-debian-kernel.sh ... --dbg: its ROOT),
# holding the same layout instead of /.
set -euo pipefail
ks=${1:?usage: tree.sh KSYMAUDIT DWARF_WALK [RELEASE]}
walk=${2:?usage: tree.sh KSYMAUDIT DWARF_WALK [RELEASE]}
rel=${3:-}
root=${BENCH_ROOT:-}
if [ -z "$rel" ]; then
	v=$(ls -1 "$root"/usr/lib/debug/boot/vmlinux-* 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$v" ] || { echo "bench: no $root/usr/lib/debug/boot/vmlinux-* (install linux-image-*-dbg)" >&2; exit 2; }
	rel=${v#"$root"/usr/lib/debug/boot/vmlinux-}
fi
vmlinux=$root/usr/lib/debug/boot/vmlinux-$rel
mods=$root/usr/lib/debug/lib/modules/$rel/kernel
symvers=$root/usr/src/linux-headers-$rel/Module.symvers
[ -f "$vmlinux" ] && [ -d "$mods" ] || { echo "bench: $rel: debug kernel not installed" >&2; exit 2; }
[ -f "$symvers" ] || { echo "bench: $symvers missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
runs=${BENCH_RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # one NAME CMD...: appends "seconds rss_kb" to $tmp/NAME
	local name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
		local s=$?
		# tree exits 1 when it has findings; anything else is a failure.
		if [ "${name#tree}" = "$name" ] || [ $s != 1 ]; then
			echo "bench: $name failed (exit $s):" >&2; cat "$tmp/err" >&2; exit 2
		fi
	}
	tail -1 "$tmp/t" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

tree=("$ks" tree --vmlinux "$vmlinux" -m "$mods" -s "$symvers")
echo "inputs: $vmlinux and $(find "$mods" -name '*.ko' | wc -l) modules under $mods"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
one walk-warm "$walk" "$vmlinux" "$mods"
one tree-warm "${tree[@]}" --no-cache -o "$tmp/report.txt"
for _ in $(seq "$runs"); do
	one walk "$walk" "$vmlinux" "$mods"
	one tree "${tree[@]}" --no-cache -o "$tmp/report.txt"
done
# Memory of all of tree's processes (worker processes: %M above is the
# largest one only), in a run of its own: the sampler takes CPU.
"$(dirname "$0")"/tree-peak-mem.sh "${tree[@]}" --no-cache -o "$tmp/report-mem.txt" \
	2>"$tmp/mem" >/dev/null || true
pss=$(tail -1 "$tmp/mem" | awk '$1 == "peak-pss-kb" {print $2}')
# A warm cache: one run fills it, the next reads every file from it.
one tree-fill "${tree[@]}" --cache-dir "$tmp/cache" -o "$tmp/report-fill.txt"
one tree-cached "${tree[@]}" --cache-dir "$tmp/cache" -o "$tmp/report-cached.txt"
cmp -s "$tmp/report.txt" "$tmp/report-cached.txt" ||
	{ echo "bench: the report from a warm cache differs" >&2; exit 1; }
w=$(cut -d' ' -f1 "$tmp/walk" | median)
t=$(cut -d' ' -f1 "$tmp/tree" | median)
rss=$(cut -d' ' -f2 "$tmp/tree" | sort -n | tail -1)
wrss=$(cut -d' ' -f2 "$tmp/walk" | sort -n | tail -1)
wcpu=$(awk '{print $3 + $4}' "$tmp/walk" | median)
tcpu=$(awk '{print $3 + $4}' "$tmp/tree" | median)
wc=$(cut -d' ' -f1 "$tmp/tree-cached")
wcrss=$(cut -d' ' -f2 "$tmp/tree-cached")
echo "median of $runs, wall time, peak RSS:"
echo "libdw walk over every DIE (1 thread): ${w} s (CPU ${wcpu} s), peak RSS $((wrss / 1024)) MiB"
echo "ksymaudit tree ($(nproc) CPUs):        ${t} s (CPU ${tcpu} s), peak RSS $((rss / 1024)) MiB (largest process)"
echo "ksymaudit tree, all its processes:    peak $((${pss:-0} / 1024)) MiB Pss (bench/tree-peak-mem.sh)"
echo "ksymaudit tree, warm cache:           ${wc} s, peak RSS $((wcrss / 1024)) MiB (same report)"
awk -v t="$t" -v w="$w" -v c="$wc" 'BEGIN { printf "ratio tree/walk: %.2f (bound 1.0); warm cache/walk: %.2f\n", t / w, c / w }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in inline-exposure export-wrapper export-mismatch; do
	echo "$c: $(grep -c "\[$c\]" "$tmp/report.txt" || true) findings"
done
