#!/bin/sh
# Command-line behaviour that once went wrong (issue 7): option order and
# the format, "-o -", the file of an input error, "help bogus", formats a
# command does not have, usage errors writing no report, waivers for check,
# and explain's exit status under --fail-on.
# Usage: test-options.sh KSYMAUDIT FIXTURES_DIR
set -eu
export LC_ALL=C
bin=$(realpath "$1") fx=$(realpath "$2")
d=$fx/x86_64-prel32
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }
cd "$tmp"
check="$bin check --vmlinux $d/vmlinux"

# -p pretty-prints whichever format is chosen, in any order.
# shellcheck disable=SC2086
for args in "-f sarif -p" "-p -f sarif"; do
	$check $args "$d/mod-proprietary.ko" >out.txt || true
	grep -q '"\$schema"' out.txt || bad "'check $args' did not write SARIF"
	[ "$(wc -l <out.txt)" -gt 5 ] || bad "'check $args' is not indented"
done
# shellcheck disable=SC2086
$check -p "$d/mod-proprietary.ko" >out.txt || true
grep -q '"schema_version"' out.txt || bad "'-p' alone is not JSON"

# -o - is standard output, not a file named "-".
# shellcheck disable=SC2086
$check -j -o - "$d/mod-proprietary.ko" >out.txt || true
[ ! -e ./- ] || bad "'-o -' created a file named '-'"
grep -q '"findings"' out.txt || bad "'-o -' wrote nothing to stdout"

# An input error names the input, never the command.
# shellcheck disable=SC2086
$bin check -j -s "$tmp/none.symvers" "$d/mod-gpl.ko" >out.json 2>/dev/null || true
python3 - out.json <<'PY' || bad "errors[] names the command"
import json, sys
errs = json.load(open(sys.argv[1]))["errors"]
assert errs, "no error reported"
for e in errs:
    assert e.get("file") not in ("check", "tree", "explain"), e
assert any(e.get("file", "").endswith("none.symvers") for e in errs), errs
PY

# help with an unknown command is a usage error.
st=0; "$bin" help bogus >/dev/null 2>&1 || st=$?
[ "$st" = 2 ] || bad "'help bogus' exit $st, expected 2"
st=0; "$bin" help check >/dev/null || st=$?
[ "$st" = 0 ] || bad "'help check' exit $st"

# dot draws paths: tree and explain have it, check does not.
# shellcheck disable=SC2086
st=0; $check -f dot "$d/mod-gpl.ko" >out.txt 2>err.txt || st=$?
[ "$st" = 2 ] || bad "'check -f dot' exit $st, expected 2"
[ ! -s out.txt ] || bad "'check -f dot' printed a report"

# A usage error prints the error and no report on stdout.
st=0; "$bin" tree >out.txt 2>err.txt || st=$?
[ "$st" = 2 ] || bad "'tree' without a kernel: exit $st"
[ ! -s out.txt ] || bad "'tree' without a kernel printed: $(cat out.txt)"
grep -q "no kernel given" err.txt || bad "'tree' without a kernel: $(cat err.txt)"

# Waivers apply to check: a waived error does not fail the run, and an
# unmatched waiver of a module check is reported.
printf 'gpl-only-use * where=mod_proprietary reason="reviewed"\nnamespace-not-imported ka_ns_func reason="reviewed"\nmissing-license nothing reason="stale"\n' >w
# shellcheck disable=SC2086
st=0; $check -w w -j "$d/mod-proprietary.ko" >out.json || st=$?
[ "$st" = 0 ] || bad "'check -w' with every error waived: exit $st"
python3 - out.json <<'PY' || bad "check -w: waived findings or waiver-unused missing"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
use = [x for x in f if x["check"] == "gpl-only-use"]
assert use and all(x.get("waived") for x in use), use
assert any(x["check"] == "waiver-unused" and x["symbol"] == "nothing" for x in f), f
PY

# The option tables (src/cmd/opts.c): every row a command's --help prints
# is an option its parser takes, with the same short letter, and no option
# is listed twice.
for cmd in check tree explain diff upgrade checks; do
	"$bin" $cmd --help >help.txt
	sed -n 's/^  \(-[a-zA-Z]\)\{0,1\}[, ]*\(--[a-z][a-z0-9-]*\)\( [A-Z][A-Z=]*\)\{0,1\} .*/\1 \2 \3/p' \
		help.txt >rows.txt
	[ "$(wc -l <rows.txt)" -ge 2 ] || bad "$cmd --help: no option rows"
	dup=$(awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^--/) print $i }' rows.txt |
		sort | uniq -d)
	[ -z "$dup" ] || bad "$cmd --help lists $dup twice"
	while read -r a b c; do
		case $a in --*) short= long=$a arg=$b ;; *) short=$a long=$b arg=$c ;; esac
		for o in $long $short; do
			set -- "$o"
			[ -z "$arg" ] || set -- "$o" 1
			"$bin" $cmd "$@" --zz-not-an-option >out.txt 2>err.txt </dev/null || true
			if grep -Eq "unrecognized option '$o'|invalid option -- '${o#-}'" err.txt; then
				bad "$cmd: $o is in its --help but not in its parser"
			fi
		done
	done <rows.txt
done

# explain's notes fail the run only under --fail-on note, as its help says.
"$bin" explain --help >help.txt
grep -q "0 done" help.txt && bad "explain --help still says '0 done'"

exit $fail
