#!/bin/sh
# Help and man page agree: every command of the top-level --help, every long
# option that a command's --help prints, and every check id must appear in
# ksymaudit(1).
# Usage: test-manpage.sh KSYMAUDIT_BINARY MAN_PAGE
set -eu
export LC_ALL=C

if [ $# -ne 2 ]; then
	echo "usage: $0 KSYMAUDIT_BINARY MAN_PAGE" >&2
	exit 2
fi
bin=$1
page=$2

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT HUP INT TERM

fail=0
problem() {
	echo "FAIL: $*" >&2
	fail=1
}

[ -x "$bin" ] || { echo "FAIL: $bin is not executable" >&2; exit 1; }
[ -r "$page" ] || { echo "FAIL: cannot read $page" >&2; exit 1; }

# The page as text: roff hyphens and font changes removed.
sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\f([A-Z][A-Z]//g' \
	-e "s/\\\\(aq/'/g" "$page" >"$tmp/page"

in_page() {
	# $1 as a whole word: "--json" must not be satisfied by "--json-foo".
	grep -Eq -- "(^|[^a-z0-9-])$1([^a-z0-9-]|\$)" "$tmp/page"
}

# The commands, as the top-level help lists them ("Commands:" then one
# indented "name  description" line each); check must be one of them.
if ! "$bin" --help >"$tmp/help" 2>&1; then
	echo "FAIL: 'ksymaudit --help' failed" >&2
	exit 1
fi
commands=$(awk '/^Commands:/ { f = 1; next }
	f && /^  +[a-z]/ { print $1; next }
	f && !/^  / { f = 0 }' "$tmp/help" | grep -vx help || true)
echo "$commands" | grep -qx check ||
	problem "'ksymaudit --help' lists no check command: '$commands'"
for cmd in $commands; do
	in_page "$cmd" || problem "command $cmd is not in $page"
done

# Every long option of every --help.
: >"$tmp/options"
for cmd in "" $commands; do
	# shellcheck disable=SC2086
	if ! "$bin" $cmd --help >"$tmp/help" 2>&1; then
		problem "'ksymaudit $cmd --help' failed:"
		cat "$tmp/help" >&2
		continue
	fi
	n=$(grep -Eo -- '--[a-z][a-z0-9-]*' "$tmp/help" | sort -u |
		tee -a "$tmp/options" | wc -l)
	if [ "$cmd" != "" ] && [ "$cmd" != checks ] && [ "$n" -lt 3 ]; then
		problem "'ksymaudit $cmd --help' lists only $n long options"
	fi
	# Check ids the help names, as "id (severity" or in a "Checks:"
	# paragraph that ends with a full stop.
	grep -Eo '[a-z]+(-[a-z]+)+ \((error|warning|note)' "$tmp/help" |
		sed 's/ (.*//' >>"$tmp/ids" || true
	awk '/^Checks:/ { f = 1 } f { print } f && /\.$/ { f = 0 }' \
		"$tmp/help" | grep -Eo '[a-z]+(-[a-z]+)+' >>"$tmp/ids" || true
done

# shellcheck disable=SC2013 # options and ids are single words
for opt in $(sort -u "$tmp/options"); do
	in_page "$opt" || problem "option $opt is not in $page"
done

# Each command's option table, as its --help prints it (the help is
# generated from the table's rows), and its man page section (".SH CMD
# OPTIONS"; for checks its entry under COMMANDS) document the same options:
# every long option of the help is in a tag line (after .TP) of the
# section, with its short letter where it has one, and every option of the
# section's tag lines is in the help.
for cmd in $commands; do
	"$bin" "$cmd" --help >"$tmp/chelp" 2>&1 || continue
	up=$(echo "$cmd" | tr a-z A-Z)
	if grep -q "^\.SH $up OPTIONS" "$tmp/page"; then
		awk -v h=".SH $up OPTIONS" '$0 == h { f = 1; next } /^\.SH/ { f = 0 } f' \
			"$tmp/page" >"$tmp/section"
	else
		awk -v c="$cmd" '/^\.SH COMMANDS/ { s = 1; next } /^\.SH/ { s = 0 }
			s && /^\.TP/ { t = 1; next }
			s && t { f = ($2 == c); t = 0 } s && f' "$tmp/page" >"$tmp/section"
	fi
	[ -s "$tmp/section" ] || { problem "no section of $cmd in $page"; continue; }
	# Tag lines; for checks, its COMMANDS entry.
	if [ "$cmd" = checks ]; then cp "$tmp/section" "$tmp/tags"; else
		awk '/^\.TP/ { t = 1; next } t { print; t = 0 }' "$tmp/section" >"$tmp/tags"
	fi
	# The help's rows: "  -k, --kernel DIR" or "      --release VER".
	sed -n 's/^  \(-[a-zA-Z], \|    \)\(--[a-z][a-z0-9-]*\).*/\1\2/p' "$tmp/chelp" |
		sed 's/^ *//' >"$tmp/rows"
	[ -s "$tmp/rows" ] || problem "'ksymaudit $cmd --help' has no option rows"
	while read -r a b; do
		if [ -n "$b" ]; then short=${a%,} long=$b; else short= long=$a; fi
		grep -Eq -- "(^|[^a-z0-9-])$long([^a-z0-9-]|\$)" "$tmp/tags" ||
			problem "$cmd: option $long of its --help is not in its section of $page"
		[ -z "$short" ] || grep -Eq -- "(^|[^a-zA-Z-])$short \", \" $long([^a-z0-9-]|\$)" "$tmp/tags" ||
			problem "$cmd: '$short, $long' of its --help is not in its section of $page"
	done <"$tmp/rows"
	for opt in $(grep -Eo -- '(^|[^a-z0-9-])--?[a-zA-Z][a-z0-9-]*' "$tmp/tags" |
		sed 's/^[^-]*//' | sort -u); do
		case $opt in
		--*) grep -Eq -- "(^|[ ,])$opt( |\$)" "$tmp/rows" ;;
		*) grep -q -- "^$opt, " "$tmp/rows" ;;
		esac || problem "$cmd: option $opt of its section of $page is not in its --help"
	done
done

# Every check of the table (ksymaudit checks), with its severity as the
# CHECKS section gives it: ".BR id " (severity" then ")" or ";".
if ! "$bin" checks >"$tmp/checks"; then
	problem "'ksymaudit checks' failed"
fi
[ -s "$tmp/checks" ] || problem "'ksymaudit checks' lists no check"
while IFS='	' read -r id sev scope summary; do
	echo "$id" >>"$tmp/ids"
	grep -Eq "^\.BR $id \" \($sev[;)]" "$tmp/page" ||
		problem "CHECKS in $page has no '.BR $id \" ($sev' entry (severity from the check table)"
done <"$tmp/checks"
sort -u "$tmp/ids" >"$tmp/ids.u"
cut -f1 "$tmp/checks" | sort -u >"$tmp/ids.t"
# A check id a --help names must be in the table.
comm -23 "$tmp/ids.u" "$tmp/ids.t" | while read -r id; do
	problem "check id $id in a --help is not in 'ksymaudit checks'"
done
# shellcheck disable=SC2013
for id in $(sort -u "$tmp/ids"); do
	in_page "$id" || problem "check id $id is not in $page"
done

# Every command line of the EXAMPLES uses options its command's --help has
# (continuation lines joined).
awk '/^\.EX/ { f = 1; next } /^\.EE/ { f = 0 } f' "$tmp/page" |
	sed -e 's/\\e$/\\/' | awk '{ if (sub(/\\$/, "")) { l = l $0; next } print l $0; l = "" }' |
	grep -E '^ *ksymaudit [a-z]+ ' >"$tmp/examples" || true
while read -r _ cmd rest; do
	"$bin" "$cmd" --help >"$tmp/chelp" 2>&1 || { problem "example command '$cmd' has no --help"; continue; }
	for opt in $rest; do
		case $opt in
		--*=*) opt=${opt%%=*} ;;
		--* | -[a-zA-Z]) ;;
		*) continue ;;
		esac
		grep -Eq -- "(^|[ ,])$opt([ ,=]|\$)" "$tmp/chelp" ||
			problem "example 'ksymaudit $cmd ... $opt' uses an option that '$cmd --help' does not list"
	done
done <"$tmp/examples"
[ -s "$tmp/examples" ] || problem "no ksymaudit command line found in the EXAMPLES of $page"

# The page itself renders without warnings, where groff is installed.
if command -v groff >/dev/null 2>&1; then
	if ! groff -man -ww -z "$page" 2>"$tmp/groff" || [ -s "$tmp/groff" ]; then
		problem "groff warnings in $page:"
		cat "$tmp/groff" >&2
	fi
fi

if [ "$fail" -eq 0 ]; then
	echo "ok: $(sort -u "$tmp/options" | wc -l) options and" \
		"$(sort -u "$tmp/ids" | wc -l) check ids documented"
fi
exit "$fail"
