#!/bin/sh
# Runs one fuzz target for a bounded time on a scratch copy of its seeds.
# Usage: run-fuzz.sh FUZZ-BINARY SEED-DIR SECONDS [extra libFuzzer args]
# Fails, with the crashing input in base64, on any crash, sanitizer report,
# leak, timeout (> 10 s for one input) or RSS above 2 GiB.
set -eu
bin=$1 seeds=$2 secs=$3
shift 3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus"
status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-malloc_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="$tmp/" "$@" "$tmp/corpus" "$seeds" \
	>"$tmp/log" 2>&1 || status=$?
tail -n 25 "$tmp/log"
if [ "$status" != 0 ]; then
	for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/timeout-* "$tmp"/oom-* \
		"$tmp"/slow-unit-*; do
		[ -f "$a" ] || continue
		echo "== ${a##*/} (base64, $(wc -c <"$a") bytes):"
		base64 -w 76 "$a" | head -n 200
	done
	exit 1
fi
