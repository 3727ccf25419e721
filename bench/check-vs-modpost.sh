#!/bin/bash
# Benchmark: `ksymaudit check` next to the kernel's own modpost on the same
# inputs, in the same run: (a) one module, (b) a whole directory of real
# modules, against the real Module.symvers. Prints the median times and the
# ratio ksymaudit/modpost. Not a pass/fail test (exit 0 unless a tool
# cannot run at all).
#
# Usage: bench/check-vs-modpost.sh [KSYMAUDIT]
# Environment: KSYMAUDIT_KDIR / KSYMAUDIT_REAL_MODULES pick the headers and
# the module tree (see tests/real/lib.sh; default: installed debug or
# stripped modules of an installed headers release), BENCH_RUNS (default 5),
# BENCH_MODULE (a module file for (a); default: the largest one).
#
# Both tools read identical copies: modpost 6.1 insists on NAME.o and reads
# NAME.mod, so every module is copied (decompressed) as NAME.o with an empty
# NAME.mod; ksymaudit is given the same directory. modpost is run as Kbuild
# runs it for external modules (-m -e -i Module.symvers -o FILE -T -).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../tests/real/lib.sh"
ks=${1:-$here/../build/ksymaudit}
[ -x "$ks" ] || { echo "bench: $ks is not executable" >&2; exit 2; }
ks=$(cd "$(dirname "$ks")" && pwd)/$(basename "$ks")
runs=${BENCH_RUNS:-5}

found=$(rk_find_real_modules) || { echo "bench: no real modules with matching headers (set KSYMAUDIT_REAL_MODULES)" >&2; exit 2; }
kdir=${found%%$'\t'*}
moddir=${found#*$'\t'}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/one" "$tmp/all"

# Copies module $1 into dir $2 as NAME.o + empty NAME.mod.
stage() {
	local b n
	b=$(basename "$1"); n=${b%%.ko*}
	case "$b" in
	*.ko) cp "$1" "$2/$n.o" ;;
	*.ko.xz) xz -dc "$1" > "$2/$n.o" ;;
	*.ko.zst) zstd -qdc "$1" > "$2/$n.o" ;;
	*.ko.gz) gzip -dc "$1" > "$2/$n.o" ;;
	esac
	: > "$2/$n.mod"
}
find "$moddir" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) > "$tmp/list"
nmods=$(wc -l < "$tmp/list")
one=${BENCH_MODULE:-$(xargs -d '\n' stat -c '%s %n' < "$tmp/list" | awk '$1 > max { max = $1; f = $2 } END { print f }')}
stage "$one" "$tmp/one"
while read -r f; do stage "$f" "$tmp/all"; done < "$tmp/list"
ls "$tmp"/one/*.o > "$tmp/one.list"
ls "$tmp"/all/*.o > "$tmp/all.list"
bytes=$(du -sb "$tmp/all" | cut -f1)

now() { date +%s.%N; }
# Runs "$@" $runs times (after one warm-up run); prints the median seconds.
timeit() {
	local i t0 t1
	"$@" > /dev/null 2>&1 || true
	for ((i = 0; i < runs; i++)); do
		t0=$(now)
		"$@" > /dev/null 2>&1 || true
		t1=$(now)
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
	done | sort -g | awk '{ a[NR] = $1 } END { printf "%.4f\n", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
modpost_run() { # LIST
	(cd "$kdir" && scripts/mod/modpost -m -e -i Module.symvers -o "$tmp/out.symvers" -T - < "$1")
}
ks_run() { # DIR [OPTIONS]
	local d=$1
	shift
	"$ks" check -k "$kdir" "$@" -o "$tmp/ks.out" "$d"
	[ $? -le 1 ]
}

# Sanity: both tools must actually run on these inputs.
modpost_run "$tmp/one.list" > "$tmp/mp.log" 2>&1 || { tail "$tmp/mp.log" >&2; echo "bench: modpost failed" >&2; exit 2; }
set +e
"$ks" check -k "$kdir" -o "$tmp/ks.out" "$tmp/one" 2> "$tmp/ks.err"
st=$?
set -e
[ "$st" -le 1 ] || { cat "$tmp/ks.err" >&2; echo "bench: ksymaudit exited $st" >&2; exit 2; }

echo "# ksymaudit check vs modpost, $(date -u +%Y-%m-%d), $(nproc) CPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)"
echo "# headers: $kdir; modules: $moddir ($nmods modules, $((bytes / 1048576)) MiB); median of $runs runs after a warm-up"
printf '%-34s %10s %10s %8s\n' "case" "modpost s" "ksymaudit s" "ratio"
row() { # NAME MODPOST_S KS_S
	printf '%-34s %10s %10s %8s\n' "$1" "$2" "$3" "$(awk -v a="$3" -v b="$2" 'BEGIN { printf "%.2f", a / b }')"
}
mp1=$(timeit modpost_run "$tmp/one.list")
ks1=$(timeit ks_run "$tmp/one")
ks1n=$(timeit ks_run "$tmp/one" --no-explain)
row "(a) one module $(basename "$one")" "$mp1" "$ks1"
row "(a) same, --no-explain" "$mp1" "$ks1n"
mpa=$(timeit modpost_run "$tmp/all.list")
ksa=$(timeit ks_run "$tmp/all")
ksan=$(timeit ks_run "$tmp/all" --no-explain)
row "(b) $nmods modules" "$mpa" "$ksa"
row "(b) same, --no-explain" "$mpa" "$ksan"
# The modules are GPL, so neither tool has findings above. With --license
# Proprietary every GPL-only use is a finding (and is explained, with DWARF
# when the modules carry it); modpost's time is the same run as above.
ksap=$(timeit ks_run "$tmp/all" --license Proprietary)
ksapn=$(timeit ks_run "$tmp/all" --license Proprietary --no-explain)
row "(c) $nmods, --license Proprietary" "$mpa" "$ksap"
row "(c) same, --no-explain" "$mpa" "$ksapn"
