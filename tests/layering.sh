#!/bin/sh
# The layering rule, written down once: src/ is a stack of folders and a
# folder may include the headers of, and call into, only the folders below
# it (see src/meson.build):
#   util -> readers -> dwarf -> model -> checks -> emit -> cmd -> main.c
# Includes are read from the sources and headers; calls from the undefined
# symbols of each object in the static library (nm), so a call through a
# forward declaration is caught too. And the shape that goes with it:
# no cycle between folders (whatever the table below says), file names
# unique across src/, every header under include/ used by two folders or
# more (one only a single folder uses belongs in that folder), and a
# folder's private headers (src/X/*.h) included from X only (cmd/cmd.h
# from main.c too), and nothing declared under include/ left undefined.
# Usage: layering.sh SOURCE_ROOT LIBKSYMAUDIT.A
set -eu
export LC_ALL=C
root=$1 lib=$2
fail=0

layer_of_dir() {
	case $1 in
	util) echo 0 ;; readers) echo 1 ;; dwarf) echo 2 ;; model) echo 3 ;;
	checks) echo 4 ;; emit) echo 5 ;; cmd) echo 6 ;; main) echo 7 ;;
	*) echo "FAIL: unknown layer '$1'" >&2; echo 99 ;;
	esac
}

# Public headers belong to the layer of the folder that implements them.
layer_of_header() {
	case $1 in
	common.h | hashmap.h | findings.h | facts.h | blob.h | procpool.h) echo 0 ;;
	input.h | jsonschema.h | elffile.h | exports.h | module.h | refs.h | rules.h | baseline.h | report.h) echo 1 ;;
	dwarf.h) echo 2 ;;
	run.h | tree.h | sites.h | diff.h | cache.h | side.h) echo 3 ;;
	checks.h) echo 4 ;;
	emit.h) echo 5 ;;
	*) echo "FAIL: header $1 has no layer in $0" >&2; echo 99 ;;
	esac
}

# includes FILE LAYER: every ksymaudit/ header FILE includes is at or below.
check_includes() {
	for h in $(sed -n 's|^#include "ksymaudit/\([a-z0-9_-]*\.h\)".*|\1|p' "$1"); do
		hl=$(layer_of_header "$h")
		if [ "$hl" -gt "$2" ]; then
			echo "FAIL: ${1#"$root"/} (layer $2) includes ksymaudit/$h (layer $hl)"
			fail=1
		fi
	done
}

for h in "$root"/include/ksymaudit/*.h; do
	check_includes "$h" "$(layer_of_header "$(basename "$h")")"
done
for f in "$root"/src/*/*.c "$root"/src/*/*.h; do
	d=$(basename "$(dirname "$f")")
	check_includes "$f" "$(layer_of_dir "$d")"
done
check_includes "$root/src/main.c" 7

# Calls: which object defines each global symbol, which objects use it.
# Meson names the objects src_LAYER_FILE.c.o.
nm -A "$lib" 2>/dev/null | awk '
	{ split($1, p, ":"); obj = p[2]; sub(/.*\//, "", obj)
	  split(obj, q, "_"); layer = q[2] }
	$(NF-1) ~ /^[TDBRCVW]$/ { def[$NF] = layer; next }
	$(NF-1) == "U" { use[obj] = use[obj] " " $NF; ul[obj] = layer }
	END {
		for (o in use) {
			n = split(use[o], s, " ")
			for (i = 1; i <= n; i++)
				if (s[i] in def) print ul[o], def[s[i]], o, s[i]
		}
	}' | sort -u >"${TMPDIR:-/tmp}/layering.$$"
while read -r from to obj sym; do
	fl=$(layer_of_dir "$from") tl=$(layer_of_dir "$to")
	if [ "$tl" -gt "$fl" ]; then
		echo "FAIL: $obj ($from) calls $sym, defined in $to (a higher layer)"
		fail=1
	fi
done <"${TMPDIR:-/tmp}/layering.$$"
n=$(wc -l <"${TMPDIR:-/tmp}/layering.$$")
[ "$n" -gt 0 ] || { echo "FAIL: no cross-object references read from $lib"; fail=1; }

# Folder edges from calls (above) and includes, for the cycle check.
edges=${TMPDIR:-/tmp}/layering-edges.$$
awk '$1 != $2 { print $1, $2 }' "${TMPDIR:-/tmp}/layering.$$" >"$edges"
rm -f "${TMPDIR:-/tmp}/layering.$$"

folder_of_header() {
	case $(layer_of_header "$1") in
	0) echo util ;; 1) echo readers ;; 2) echo dwarf ;; 3) echo model ;;
	4) echo checks ;; 5) echo emit ;; 6) echo cmd ;; *) echo unknown ;;
	esac
}

# closure FILE: every header FILE reaches through includes, as paths.
closure() {
	todo=$1 seen=
	while [ -n "$todo" ]; do
		# shellcheck disable=SC2086
		set -- $todo
		f=$1
		shift
		todo=$*
		for h in $(sed -n 's|^#include "\([a-zA-Z0-9_/.-]*\.h\)".*|\1|p' "$f"); do
			case $h in
			ksymaudit/*) p=$root/include/$h ;;
			*) p=$(dirname "$f")/$h ;;
			esac
			[ -f "$p" ] || continue # config.h, generated
			case " $seen " in *" $p "*) continue ;; esac
			seen="$seen $p"
			todo="$todo $p"
		done
	done
	echo "$seen"
}

users=${TMPDIR:-/tmp}/layering-users.$$
: >"$users"
for f in "$root"/src/*/*.c "$root"/src/main.c; do
	d=$(basename "$(dirname "$f")")
	[ "$f" = "$root/src/main.c" ] && d=main
	for p in $(closure "$f"); do
		case $p in
		"$root"/include/ksymaudit/*.h)
			h=$(basename "$p")
			echo "$h $d" >>"$users"
			echo "$d $(folder_of_header "$h")" >>"$edges" ;;
		"$root"/src/*/*.h)
			hd=$(basename "$(dirname "$p")")
			if [ "$hd" != "$d" ] && ! [ "$d/$hd" = main/cmd ]; then
				echo "FAIL: ${f#"$root"/} includes ${p#"$root"/}, private to $hd/"
				fail=1
			fi ;;
		esac
	done
done

# No cycle between folders: tsort names the folders of a loop.
if ! awk '$1 != $2' "$edges" | sort -u | tsort >/dev/null 2>"$edges.err"; then
	echo "FAIL: the folders depend on each other in a cycle:"
	sed 's/^/  /' "$edges.err"
	fail=1
fi
nfolders=$(awk '$1 != $2 { print $1; print $2 }' "$edges" | sort -u | wc -l)

# Headers under include/ that one folder uses belong in that folder.
for h in "$root"/include/ksymaudit/*.h; do
	b=$(basename "$h")
	k=$(awk -v h="$b" '$1 == h { print $2 }' "$users" | sort -u | wc -l)
	if [ "$k" -lt 2 ]; then
		echo "FAIL: include/ksymaudit/$b is used by $k folder(s): move it into the one that uses it"
		fail=1
	fi
done
rm -f "$edges" "$edges.err" "$users"

# Every function and object declared under include/ is defined in the
# library (a declaration nothing defines misleads the next reader).
defs=${TMPDIR:-/tmp}/layering-defs.$$
nm "$lib" 2>/dev/null | awk 'NF >= 2 && $(NF-1) ~ /^[TDBRCV]$/ { print $NF }' |
	sort -u >"$defs"
for sym in $(sed -nE -e '/^(static|typedef|#)/d' \
	-e 's/^[a-z].*[ *]([a-z_][a-z0-9_]*)\(.*/\1/p' \
	-e 's/^extern .*[ *]([a-z_][a-z0-9_]*)(\[\])?;.*/\1/p' \
	"$root"/include/ksymaudit/*.h | sort -u | comm -23 - "$defs"); do
	echo "FAIL: $sym is declared under include/ but defined nowhere"
	fail=1
done
rm -f "$defs"

# File names unique across src/ and include/: a name says where it is.
dups=$(find "$root/src" "$root/include" -name '*.[ch]' -exec basename {} \; |
	sort | uniq -d)
if [ -n "$dups" ]; then
	for d in $dups; do
		echo "FAIL: more than one file named $d:" \
			"$(cd "$root" && find src include -name "$d" | tr '\n' ' ')"
	done
	fail=1
fi

[ "$fail" = 0 ] &&
	echo "layering: $n cross-object references, all downwards; $nfolders folders, no cycle; file names unique; public headers shared"
exit "$fail"
