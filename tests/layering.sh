#!/bin/sh
# The layering rule, written down once: src/ is a stack of folders and a
# folder may include the headers of, and call into, only the folders below
# it (see src/meson.build):
#   util -> readers -> dwarf -> model -> checks -> emit -> cmd -> main.c
# Includes are read from the sources and headers; calls from the undefined
# symbols of each object in the static library (nm), so a call through a
# forward declaration is caught too.
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
	common.h | hashmap.h | findings.h | blob.h) echo 0 ;;
	elffile.h | exports.h | module.h | refs.h | rules.h | baseline.h | report.h) echo 1 ;;
	dwarf.h) echo 2 ;;
	run.h | graph.h | sites.h | diff.h | cache.h) echo 3 ;;
	checks.h) echo 4 ;;
	emit.h) echo 5 ;;
	cmd.h) echo 6 ;;
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
rm -f "${TMPDIR:-/tmp}/layering.$$"
[ "$n" -gt 0 ] || { echo "FAIL: no cross-object references read from $lib"; fail=1; }
[ "$fail" = 0 ] && echo "layering: $n cross-object references, all downwards"
exit "$fail"
