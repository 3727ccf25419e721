#!/bin/bash
# Runs CMD... and prints, on stderr as its last line, the peak memory of
# CMD and every process it forks, summed: "peak-pss-kb N peak-rss-kb N"
# (Pss splits the pages a fork still shares with its parent; Rss counts
# them in each process). Sampled from /proc every 20 ms: short peaks
# between two samples are missed. Exit status: CMD's.
# GNU time's %M is the largest single process, which undercounts a
# command that walks files in worker processes (ksymaudit tree -t N).
"$@" &
pid=$!
peak_pss=0
peak_rss=0
descendants() {
	local p=$1 c
	echo "$p"
	for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
		descendants "$c"
	done
}
while kill -0 "$pid" 2>/dev/null; do
	pss=0 rss=0
	for p in $(descendants "$pid"); do
		read -r a b < <(awk '/^Pss:/ {p=$2} /^Rss:/ {r=$2} END {print p+0, r+0}' \
			/proc/"$p"/smaps_rollup 2>/dev/null || echo "0 0")
		pss=$((pss + ${a:-0}))
		rss=$((rss + ${b:-0}))
	done
	[ "$pss" -gt "$peak_pss" ] && peak_pss=$pss
	[ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
	sleep 0.02
done
wait "$pid"
s=$?
echo "peak-pss-kb $peak_pss peak-rss-kb $peak_rss" >&2
exit $s
