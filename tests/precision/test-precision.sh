#!/bin/bash
# inline-exposure precision on a real Debian debug kernel (issue 8): re-runs
# `ksymaudit tree` and checks the committed, hand-labelled sample of
# reported (inline, symbol) pairs: every pair labelled real is still
# reported, every pair labelled false is not.
#
# Usage: test-precision.sh KSYMAUDIT SAMPLE.tsv KERNEL [ANCHORS.tsv]
# KERNEL is "6.1": Debian 12's 6.1.0-56-cloud-amd64 debug kernel, installed
# (/usr/lib/debug, /usr/src/linux-headers-*); or "6.12": Debian 13's cloud
# debug kernel unpacked (never installed) under $KSYMAUDIT_TRIXIE_ROOT
# (default $KSYMAUDIT_DATA/trixie-amd64-cloud/root, KSYMAUDIT_DATA defaulting
# to /var/tmp/ksymaudit-data: what `tools/fetch-debian-kernel.sh trixie
# amd64 cloud --dbg` unpacks); or "7.x": sid's, under $KSYMAUDIT_SID_ROOT
# (default $KSYMAUDIT_DATA/sid-amd64-cloud/root). Missing kernel: exit 77, or fail when
# KSYMAUDIT_REQUIRE_REAL=1.
set -euo pipefail
export LC_ALL=C
ks=${1:?usage}
sample=${2:?usage}
which=${3:?usage}
anchors=${4:-}

skip() {
	if [ "${KSYMAUDIT_REQUIRE_REAL:-0}" = 1 ]; then
		echo "FAIL (KSYMAUDIT_REQUIRE_REAL=1, cannot skip): $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

case $which in
6.1)
	rel=6.1.0-56-cloud-amd64
	root=
	;;
6.12)
	root=${KSYMAUDIT_TRIXIE_ROOT:-${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}/trixie-amd64-cloud/root}
	v=$(ls -1 "$root"/usr/lib/debug/boot/vmlinux-6.12* 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$v" ] || skip "no Debian 13 6.12 debug kernel under $root"
	rel=${v##*/vmlinux-}
	;;
7.x)
	root=${KSYMAUDIT_SID_ROOT:-${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}/sid-amd64-cloud/root}
	v=$(ls -1 "$root"/usr/lib/debug/boot/vmlinux-[7-9].* 2>/dev/null | sort -V | tail -1 || true)
	[ -n "$v" ] || skip "no Debian sid 7.x debug kernel under $root"
	rel=${v##*/vmlinux-}
	;;
*) echo "unknown kernel $which" >&2; exit 2 ;;
esac
vmlinux=$root/usr/lib/debug/boot/vmlinux-$rel
mods=$root/usr/lib/debug/lib/modules/$rel/kernel
symvers=$root/usr/src/linux-headers-$rel/Module.symvers
for f in "$vmlinux" "$mods" "$symvers"; do
	[ -e "$f" ] || skip "$f missing (Debian's $rel debug kernel and headers)"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=0
"$ks" tree --vmlinux "$vmlinux" -m "$mods" -s "$symvers" -j \
	-o "$tmp/report.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: tree exited $st" >&2; exit 1; }

python3 - "$tmp/report.json" "$sample" $anchors <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["symbol"], g["symbol"]) for f in d["findings"]
       if f["check"] == "inline-exposure" for g in f.get("gpl_symbols", [])}
bad = 0
n = {"real": 0, "false": 0}
lines = [(True, l) for l in open(sys.argv[2])]
for a in sys.argv[3:]:
    lines += [(False, l) for l in open(a)]
for in_sample, line in lines:
    if line.startswith("#") or not line.strip():
        continue
    fn, sym, verdict, reason = line.rstrip("\n").split("\t", 3)
    if in_sample:
        n[verdict] += 1
    if verdict == "real" and (fn, sym) not in got:
        print(f"FAIL: real exposure no longer reported: {fn} -> {sym} ({reason})")
        bad += 1
    if verdict == "false" and (fn, sym) in got:
        print(f"FAIL: false exposure reported: {fn} -> {sym} ({reason})")
        bad += 1
total = n["real"] + n["false"]
print(f"sample: {total} pairs, {n['real']} real ({100.0 * n['real'] / total:.1f}% when sampled), {n['false']} false; {bad} mismatches")
sys.exit(1 if bad else 0)
PY
