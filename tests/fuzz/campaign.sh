#!/bin/sh
# A longer fuzz campaign: every target (or those named) for SECONDS each,
# JOBS at a time, each on its own corpus kept in CORPUS/TARGET between
# campaigns (seeded from the build's seeds). Prints one line per target:
# its exec count, exec/s and result; logs and crashing inputs stay in
# CORPUS/TARGET.log and CORPUS/artifacts-TARGET/.
# Usage: tests/fuzz/campaign.sh BUILD-DIR [SECONDS [JOBS [TARGET...]]]
#   e.g. CC=clang meson setup build-fuzz -Dfuzzing=true -Db_lundef=false &&
#        ninja -C build-fuzz && tests/fuzz/campaign.sh build-fuzz 600 2
set -eu
build=$(cd "$1" && pwd)
secs=${2:-600}
jobs=${3:-2}
shift $(($# < 3 ? $# : 3))
fz=$build/tests/fuzz
targets=${*:-symvers elf exports modinfo imports dwarf rules waivers baseline report}
[ -x "$fz/fuzz-elf" ] || { echo "$0: no fuzz targets in $build (meson setup -Dfuzzing=true)" >&2; exit 2; }
corpus=${CORPUS:-$build/fuzz-corpus}
mkdir -p "$corpus"

one() {
	t=$1
	mkdir -p "$corpus/$t" "$corpus/artifacts-$t"
	status=0
	ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
	UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
	"$fz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-malloc_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$corpus/artifacts-$t/" \
		"$corpus/$t" "$fz/seeds/$t" >"$corpus/$t.log" 2>&1 || status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$corpus/$t.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$corpus/$t.log")
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$corpus/$t.log")
	if [ "$status" = 0 ]; then res=clean; else res="FAILED (exit $status)"; fi
	printf 'fuzz-%-8s %10s execs %7s exec/s  %s s  %s\n' "$t" "${runs:-?}" \
		"${rate:-?}" "${took:-?}" "$res"
	[ "$status" = 0 ]
}

fail=0
export build secs corpus fz
set -- $targets
while [ $# -gt 0 ]; do
	pids=
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
		one "$1" >"$corpus/$1.result" &
		pids="$pids $!"
		shift
		i=$((i + 1))
	done
	for p in $pids; do
		wait "$p" || fail=1
	done
done
for t in $targets; do
	cat "$corpus/$t.result"
done
exit $fail
