#!/bin/sh
# Benchmark (not a test): time `ksymaudit check` with site attribution
# (DWARF read through libdwfl) against --no-explain on a large real module
# with debug info, audited as if proprietary so it has many findings.
# Usage: bench/explain.sh KSYMAUDIT [MODULE.ko] [KERNEL-HEADERS-DIR]
set -eu
LC_ALL=C
export LC_ALL
ksymaudit=${1:?usage: explain.sh KSYMAUDIT [MODULE] [KDIR]}
# A kernel whose debug modules are installed, and its headers.
ver=$(ls /usr/lib/debug/lib/modules 2>/dev/null | head -n1)
kdir=${3:-/usr/src/linux-headers-$ver}
mod=${2:-/usr/lib/debug/lib/modules/$ver/kernel/fs/xfs/xfs.ko}
[ -f "$mod" ] || { echo "bench: $mod not found (install linux-image-$ver-dbg)" >&2; exit 1; }

t() { # label args...
	label=$1
	shift
	start=$(date +%s.%N)
	"$ksymaudit" check --kernel "$kdir" --license Proprietary "$@" "$mod" \
		>/dev/null 2>&1 || true
	end=$(date +%s.%N)
	echo "$end $start" | awk '{printf "%.3f", $1 - $2}'
}
n=3
best() { # label args...: best of n runs
	b=
	i=0
	while [ $i -lt $n ]; do
		x=$(t "$@")
		if [ -z "$b" ] || [ "$(echo "$x $b" | awk '{print ($1 < $2)}')" = 1 ]; then b=$x; fi
		i=$((i + 1))
	done
	echo "$b"
}
sites=$("$ksymaudit" check --kernel "$kdir" --license Proprietary -j "$mod" 2>/dev/null |
	grep -o '"kind":' | wc -l)
with=$(best explain)
without=$(best no-explain --no-explain)
echo "module:        $mod ($(du -h "$mod" | cut -f1))"
echo "sites:         $sites"
echo "explain:       ${with}s (best of $n)"
echo "--no-explain:  ${without}s (best of $n)"
echo "ratio:         $(echo "$with $without" | awk '{printf "%.1f", $1 / $2}')x"
