#!/bin/bash
# export-door precision between real Debian kernels: re-runs `ksymaudit diff`
# from Debian 12's 6.1.0-56-cloud-amd64 (installed: /usr/lib/debug,
# /usr/src/linux-headers-*) to Debian 13's 6.12 cloud debug kernel, which is
# unpacked (never installed) under $KSYMAUDIT_TRIXIE_ROOT (default
# $KSYMAUDIT_DATA/trixie-amd64-cloud/root, with KSYMAUDIT_DATA defaulting to
# /var/tmp/ksymaudit-data; `tools/fetch-debian-kernel.sh trixie amd64 cloud
# --dbg` unpacks it there). It then checks the committed, hand-labelled
# (symbol, target) pairs:
# every pair labelled real must still be reported. A pair labelled false is
# a known false positive. It is tolerated with a warning while it is still
# reported, and a note says when it is gone, so that the label can become a
# hard "must not be reported" check.
#
# Usage: test-doors.sh KSYMAUDIT DOORS.tsv
# If a kernel is missing, the test exits 77, or fails when KSYMAUDIT_REQUIRE_REAL=1.
set -euo pipefail
export LC_ALL=C
ks=${1:?usage}
sample=${2:?usage}

skip() {
	if [ "${KSYMAUDIT_REQUIRE_REAL:-0}" = 1 ]; then
		echo "FAIL (KSYMAUDIT_REQUIRE_REAL=1, cannot skip): $*" >&2
		exit 1
	fi
	echo "SKIP: $*" >&2
	exit 77
}

old=6.1.0-56-cloud-amd64
root=${KSYMAUDIT_TRIXIE_ROOT:-${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}/trixie-amd64-cloud/root}
v=$(ls -1 "$root"/usr/lib/debug/boot/vmlinux-6.12* 2>/dev/null | sort -V | tail -1 || true)
[ -n "$v" ] || skip "no Debian 13 6.12 debug kernel under $root"
new=${v##*/vmlinux-}
for f in /usr/lib/debug/boot/vmlinux-$old /usr/lib/debug/lib/modules/$old/kernel \
	/usr/src/linux-headers-$old/Module.symvers \
	"$root/usr/lib/debug/lib/modules/$new/kernel" \
	"$root/usr/src/linux-headers-$new/Module.symvers"; do
	[ -e "$f" ] || skip "$f missing (Debian's debug kernels and headers)"
done
case $new in
6.12.117+deb13-cloud-amd64) ;;
*) echo "note: labels were made on 6.12.117+deb13-cloud-amd64, testing $new" >&2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=0
"$ks" diff --old-release "$old" --new-root "$root" --new-release "$new" \
	-j -o "$tmp/diff.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: diff exited $st" >&2; exit 1; }

python3 - "$tmp/diff.json" "$sample" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["symbol"], f["path"][-1]["symbol"] if f.get("path") else f["symbol"])
       for f in d["findings"] if f["check"] == "export-door"}
bad = 0
n = {"real": 0, "false": 0}
tolerated = 0
labelled = set()
for line in open(sys.argv[2]):
    if line.startswith("#") or not line.strip():
        continue
    sym, target, verdict, reason = line.rstrip("\n").split("\t", 3)
    if verdict not in n:
        print(f"FAIL: bad verdict {verdict!r} for {sym} -> {target}")
        bad += 1
        continue
    n[verdict] += 1
    labelled.add((sym, target))
    if verdict == "real" and (sym, target) not in got:
        print(f"FAIL: real door no longer reported: {sym} -> {target} ({reason})")
        bad += 1
    elif verdict == "false" and (sym, target) in got:
        tolerated += 1
        print(f"WARNING: known false positive still reported: {sym} -> {target} ({reason.split('. ')[0]})")
    elif verdict == "false":
        print(f"NOTE: known false positive gone, make it a hard check: {sym} -> {target}")
for p in sorted(got - labelled):
    print(f"NOTE: unlabelled export-door finding: {p[0]} -> {p[1]}")
total = n["real"] + n["false"]
print(f"export-door 6.1 -> 6.12: {total} labelled, {n['real']} real "
      f"({100.0 * n['real'] / total:.1f}% precision when labelled), {n['false']} false "
      f"({tolerated} still reported, tolerated); {len(got)} reported now; {bad} failures")
sys.exit(1 if bad else 0)
PY
