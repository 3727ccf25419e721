#!/bin/bash
# Benchmark: `ksymaudit check --license Proprietary` over every debug module
# of a distribution kernel (every GPL-only use becomes a finding whose sites
# are attributed from DWARF) next to a plain single-threaded libdw walk over
# every DIE of the same files (bench/dwarf-walk), in the same run,
# alternating, after one warm-up of each so all read from the page cache.
# check runs with its default thread count (one per CPU) and with -t 1.
# Prints the median wall and CPU times, the ratio check/walk (the bound is
# 1.5), peak RSS and the number of findings; fails (exit 1) if the JSON
# reports of -t 1 and the default differ. Not a pass/fail test otherwise.
#
# Usage: bench/check-attribution.sh KSYMAUDIT DWARF_WALK [RELEASE]
# RELEASE defaults to the newest /usr/lib/debug/lib/modules/*; the inputs are
# Debian's layout: /usr/lib/debug/lib/modules/RELEASE (1121 modules for
# the 6.1 cloud flavour) and /usr/src/linux-headers-RELEASE/Module.symvers.
# Environment: BENCH_RUNS (default 5).
set -euo pipefail
ks=${1:?usage: check-attribution.sh KSYMAUDIT DWARF_WALK [RELEASE]}
walk=${2:?usage: check-attribution.sh KSYMAUDIT DWARF_WALK [RELEASE]}
rel=${3:-}
if [ -z "$rel" ]; then
	d=$(ls -1d /usr/lib/debug/lib/modules/*/ 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$d" ] || { echo "bench: no /usr/lib/debug/lib/modules/* (install linux-image-*-dbg)" >&2; exit 2; }
	rel=$(basename "$d")
fi
mods=/usr/lib/debug/lib/modules/$rel
headers=/usr/src/linux-headers-$rel
[ -d "$mods/kernel" ] || { echo "bench: $mods/kernel missing" >&2; exit 2; }
[ -f "$headers/Module.symvers" ] || { echo "bench: $headers/Module.symvers missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
runs=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

one() { # one NAME CMD...: appends "wall rss_kb cpu" to $tmp/NAME
	local name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
		local s=$?
		# check exits 1 when it has findings; anything else is a failure.
		if [ "$name" = walk ] || [ $s != 1 ]; then
			echo "bench: $name failed (exit $s):" >&2; cat "$tmp/err" >&2; exit 2
		fi
	}
	tail -1 "$tmp/t" | awk '{ printf "%s %s %.2f\n", $1, $2, $3 + $4 }' >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ck=("$ks" check --license Proprietary -k "$headers" -j "$mods" -o)

n=$(find "$mods/kernel" -name '*.ko' | wc -l)
echo "inputs: $n modules under $mods, $headers/Module.symvers; $(nproc) CPUs"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
one walk-warm "$walk" "$mods/kernel"
one check-warm "${ck[@]}" "$tmp/warm.json"
for _ in $(seq "$runs"); do
	one walk "$walk" "$mods/kernel"
	one check "${ck[@]}" "$tmp/default.json"
	one check-t1 "${ck[@]}" "$tmp/t1.json" -t 1
done
for name in walk check check-t1; do
	eval "${name//-/_}_wall=\$(cut -d' ' -f1 \"\$tmp/\$name\" | median)"
	eval "${name//-/_}_cpu=\$(cut -d' ' -f3 \"\$tmp/\$name\" | median)"
	eval "${name//-/_}_rss=\$(( \$(cut -d' ' -f2 \"\$tmp/\$name\" | sort -n | tail -1) / 1024 ))"
done
echo "median of $runs, wall (CPU user+sys), peak RSS:"
echo "libdw walk over every DIE (1 thread):   ${walk_wall} s (${walk_cpu} s), ${walk_rss} MiB"
echo "ksymaudit check ($(nproc) threads):           ${check_wall} s (${check_cpu} s), ${check_rss} MiB"
echo "ksymaudit check -t 1:                   ${check_t1_wall} s (${check_t1_cpu} s), ${check_t1_rss} MiB"
awk -v c="$check_wall" -v t="$check_t1_wall" -v w="$walk_wall" 'BEGIN {
	printf "ratio check/walk: %.2f (bound 1.5); check -t 1/walk: %.2f\n", c / w, t / w }'
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = d["findings"]
u = [x for x in f if x["check"] == "gpl-only-use"]
s = sum(len(x["sites"]) for x in u)
a = sum(1 for x in u for y in x["sites"] if y["inline_chain"] or y["file"])
print("findings: %d (gpl-only-use %d, %d sites, %d with file:line)" % (len(f), len(u), s, a))
' "$tmp/default.json"
if cmp -s "$tmp/default.json" "$tmp/t1.json"; then
	echo "reports of -t 1 and $(nproc) threads: identical"
else
	echo "bench: the JSON reports of -t 1 and $(nproc) threads differ" >&2
	exit 1
fi
