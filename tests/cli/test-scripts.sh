#!/bin/bash
# The project's shell scripts (tools/, tests/, bench/, .ci/run) parse, and
# none that runs under `set -o pipefail` ends a pipeline in a reader that
# may stop early: `grep -q`, `grep -m`, `head`, or `sed`/`awk` that quit.
# When such a reader exits before the writer has written everything, the
# writer dies of SIGPIPE and pipefail turns a match into a failure, now and
# then: `readelf -S vmlinux | grep -q .rela.text` failed 7 times in 300 on
# this project's CI machine, and with it the whole test-data set-up.
# Read everything instead (`grep -c PAT >/dev/null`, `sed -n 1p`,
# `find -print -quit`, `grep -q PAT <<<"$var"`).
# A script counts as running under pipefail when it says so, or when a
# script that says so sources it (tests/real/lib.sh, tools/kbuild-lib.sh).
# Usage: test-scripts.sh SOURCE_ROOT
set -u
export LC_ALL=C
root=$1
cd "$root" || exit 1
fail=0
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT

mapfile -t scripts < <({ find tools tests bench -name '*.sh' -type f; echo .ci/run; } | sort)
[ "${#scripts[@]}" -gt 20 ] || { echo "FAIL: only ${#scripts[@]} scripts found under $root"; exit 1; }

# Base names of the scripts that pipefail scripts source.
sourced=" "
for f in "${scripts[@]}"; do
	grep -q 'pipefail' "$f" || continue
	for n in $(sed -n 's/^[[:space:]]*\(\.\|source\)[[:space:]]\{1,\}"\{0,1\}[^[:space:]"]*\/\([A-Za-z0-9_.-]*\.sh\)"\{0,1\}.*/\2/p' "$f"); do
		sourced="$sourced$n "
	done
done

for f in "${scripts[@]}"; do
	if ! bash -n "$f" 2>"$tmp"; then
		echo "FAIL: $f does not parse: $(cat "$tmp")"
		fail=1
	fi
	case $sourced in
	*" ${f##*/} "*) ;;
	*) grep -q 'pipefail' "$f" || continue ;;
	esac
	# A "|" (not "||") followed by an early-exit reader; comments skipped.
	if grep -n -E '(^|[^|])\|[[:space:]]*(grep[[:space:]]+(-[a-zA-Z]*[qm]|--quiet|--max-count)|head([[:space:]]|$|\))|sed[[:space:]]+(-n[[:space:]]+)?'"'"'?[0-9]*q|awk[^|]*[{;[:space:]]exit)' "$f" |
		grep -v -E '^[0-9]+:[[:space:]]*#' > "$tmp"; then
		while IFS= read -r line; do
			echo "FAIL: $f:${line%%:*}: a pipeline under pipefail ends in a reader that may exit early: ${line#*:}"
		done < "$tmp"
		fail=1
	fi
done

[ "$fail" -eq 0 ] && echo "ok: ${#scripts[@]} scripts parse; no early-exit reader at the end of a pipefail pipeline"
exit "$fail"
