#!/bin/bash
# Benchmark of ksymaudit diff (issue 9): the two bounds are
#  (1) diff of two saved `tree -j` reports: under 2 s;
#  (2) diff of two kernel trees: at most 2x one `tree` run;
# and of the fact cache (issue 16):
#  (3) diff of the two kernel trees with a warm cache: at most 0.3x one
#      cold `tree` run (the larger of the two);
#  (4) diff with a cache that holds only OLD (the pre-merge case: the target
#      branch's tree was audited before, the change is new), reported.
# Every run but (3) and (4) is given --no-cache.
# Measured in the same run, alternating, after one warm-up of each, so all
# read from the page cache: `tree -j` of OLD, `tree -j` of NEW, `diff OLD NEW`
# of the two kernels and `diff` of the two reports. Prints median wall times
# and peak RSS, and the ratios diff/tree (against the larger kernel's tree
# run, and against the mean of the two). Not a pass/fail test.
#
# Usage: bench/diff.sh KSYMAUDIT [releases|test-kernel]
#  releases (default): Debian 12's installed 6.1 cloud debug kernel against
#    Debian 13's 6.12 one from tools/fetch-debian-kernel.sh trixie amd64
#    cloud --dbg ($KSYMAUDIT_DATA/trixie-amd64-cloud);
#  test-kernel: $KSYMAUDIT_DATA/kbuild-old against kbuild-new
#    (tools/build-test-kernel.sh).
# Environment: BENCH_RUNS (default 3), KSYMAUDIT_DATA (/var/tmp/ksymaudit-data).
set -euo pipefail
ks=$(realpath "${1:?usage: diff.sh KSYMAUDIT [releases|test-kernel]}")
what=${2:-releases}
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
runs=${BENCH_RUNS:-3}
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time missing" >&2; exit 2; }

case $what in
releases)
	v=$(ls -1 /usr/lib/debug/boot/vmlinux-*-cloud-amd64 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$v" ] || { echo "bench: no 6.1 cloud debug kernel installed" >&2; exit 2; }
	oldrel=${v#/usr/lib/debug/boot/vmlinux-}
	env=$data/trixie-amd64-cloud/env-dbg
	[ -s "$env" ] || { echo "bench: no $env (tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg)" >&2; exit 2; }
	RELEASE= ROOT= SYMVERS=
	eval "$(grep -E '^(RELEASE|ROOT|SYMVERS)=' "$env")"
	old_args=(--release "$oldrel")
	new_args=(--vmlinux "$ROOT/usr/lib/debug/boot/vmlinux-$RELEASE"
		-m "$ROOT/usr/lib/debug/lib/modules/$RELEASE/kernel" -s "$SYMVERS")
	diff_args=(--old-release "$oldrel" --new-release "$RELEASE" --new-root "$ROOT")
	echo "inputs: $oldrel (installed) against $RELEASE ($ROOT)"
	;;
test-kernel)
	for d in kbuild-old kbuild-new; do
		[ -s "$data/$d/Module.symvers" ] || { echo "bench: no $data/$d (tools/build-test-kernel.sh)" >&2; exit 2; }
	done
	old_args=(-k "$data/kbuild-old")
	new_args=(-k "$data/kbuild-new")
	diff_args=("$data/kbuild-old" "$data/kbuild-new")
	echo "inputs: $data/kbuild-old against $data/kbuild-new"
	;;
*) echo "usage: diff.sh KSYMAUDIT [releases|test-kernel]" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
one() { # one NAME CMD...: appends "seconds rss_kb" to $tmp/NAME
	local name=$1
	shift
	/usr/bin/time -f "%e %M %U %S" -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || {
		local s=$?
		[ $s = 1 ] || { echo "bench: $name failed (exit $s):" >&2; cat "$tmp/err" >&2; exit 2; }
	}
	tail -1 "$tmp/t" >>"$tmp/$name"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
round() {
	one tree-old "$ks" tree "${old_args[@]}" --no-cache -j -o "$tmp/old.json"
	one tree-new "$ks" tree "${new_args[@]}" --no-cache -j -o "$tmp/new.json"
	one diff-trees "$ks" diff "${diff_args[@]}" --no-cache -j -o "$tmp/diff.json"
	one diff-reports "$ks" diff "$tmp/old.json" "$tmp/new.json" -j -o "$tmp/diff2.json"
	one diff-warm "$ks" diff "${diff_args[@]}" --cache-dir "$tmp/cache" -j -o "$tmp/diff3.json"
	# OLD alone in the cache: a tree run of OLD fills it.
	rm -rf "$tmp/cache-old"
	"$ks" tree "${old_args[@]}" --cache-dir "$tmp/cache-old" -j -o /dev/null || [ $? = 1 ]
	one diff-premerge "$ks" diff "${diff_args[@]}" --cache-dir "$tmp/cache-old" -j -o "$tmp/diff4.json"
}
# The warm cache of (3): one diff fills it.
"$ks" diff "${diff_args[@]}" --cache-dir "$tmp/cache" -j -o /dev/null || [ $? = 1 ]
round
rm -f "$tmp"/tree-* "$tmp"/diff-*
for _ in $(seq "$runs"); do round; done
for n in tree-old tree-new diff-trees diff-reports diff-warm diff-premerge; do
	eval "t_${n//-/_}=$(cut -d' ' -f1 "$tmp/$n" | median)"
	eval "m_${n//-/_}=$(( $(cut -d' ' -f2 "$tmp/$n" | sort -n | tail -1) / 1024 ))"
	eval "c_${n//-/_}=$(awk '{print $3 + $4}' "$tmp/$n" | median)"
done
echo "report sizes: $(du -h "$tmp/old.json" | cut -f1) and $(du -h "$tmp/new.json" | cut -f1); $(jq .summary.findings "$tmp/diff.json") diff findings"
printf '%-26s %8s s wall %8s s CPU %6s MiB\n' \
	"tree -j OLD" "$t_tree_old" "$c_tree_old" "$m_tree_old" \
	"tree -j NEW" "$t_tree_new" "$c_tree_new" "$m_tree_new" \
	"diff OLD NEW (kernels)" "$t_diff_trees" "$c_diff_trees" "$m_diff_trees" \
	"diff old.json new.json" "$t_diff_reports" "$c_diff_reports" "$m_diff_reports" \
	"diff, warm cache" "$t_diff_warm" "$c_diff_warm" "$m_diff_warm" \
	"diff, OLD cached" "$t_diff_premerge" "$c_diff_premerge" "$m_diff_premerge"
for f in diff3 diff4; do
	cmp -s "$tmp/diff.json" "$tmp/$f.json" ||
		{ echo "bench: the diff with a cache ($f) differs from the one without" >&2; exit 1; }
done
ratio() { # ratio LABEL DIFF OLD NEW
	awk -v l="$1" -v d="$2" -v a="$3" -v b="$4" 'BEGIN { m = a > b ? a : b
		printf "%s: diff of kernels / larger tree run %.2f, / mean tree run %.2f (bound 2)\n", l, d / m, 2 * d / (a + b) }'
}
ratio wall "$t_diff_trees" "$t_tree_old" "$t_tree_new"
ratio "CPU " "$c_diff_trees" "$c_tree_old" "$c_tree_new"
echo "diff of reports: $t_diff_reports s wall (bound 2 s)"
awk -v d="$t_diff_warm" -v p="$t_diff_premerge" -v a="$t_tree_old" -v b="$t_tree_new" \
	-v cd="$c_diff_warm" -v ca="$c_tree_old" -v cb="$c_tree_new" 'BEGIN { m = a > b ? a : b; cm = ca > cb ? ca : cb
	printf "diff with a warm cache / larger cold tree run: %.2f wall, %.2f CPU (bound 0.3)\n", d / m, cd / cm
	printf "diff with OLD cached / larger cold tree run: %.2f wall\n", p / m }'
echo "($runs runs, median; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg))"
