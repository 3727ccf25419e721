#!/bin/bash
# export-door precision between real Debian kernels: re-runs `ksymaudit diff`
# from Debian 12's 6.1 cloud debug kernel the set-up installed (the archive's
# current point release: tools/installed-kernel.sh) to Debian 13's 6.12 cloud
# debug kernel, which `tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg`
# unpacks (never installs) under $KSYMAUDIT_DATA (default
# /var/tmp/ksymaudit-data). It then checks the committed, hand-labelled
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

. "$(dirname "$0")/../real/lib.sh"

eval "$(rk_installed_kernel)" || rk_skip "cannot tell the installed kernel"
old=$RELEASE
env=$(rk_fetched_kernel trixie-amd64-cloud) ||
	rk_skip "no Debian 13 6.12 debug kernel (tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg)"
eval "$env"
new=$RELEASE
for f in /usr/lib/debug/boot/vmlinux-$old /usr/lib/debug/lib/modules/$old/kernel \
	/usr/src/linux-headers-$old/Module.symvers "$VMLINUX" "$DEBUG_MODULES/kernel" "$SYMVERS"; do
	[ -e "$f" ] || rk_skip "$f missing (Debian's debug kernels and headers)"
done
echo "kernels: $old -> $new"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=0
"$ks" diff --old-release "$old" --new-root "$ROOT" --new-release "$new" \
	-j -o "$tmp/diff.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: diff exited $st" >&2; exit 1; }

# What the new build has, to tell a label whose subject is gone from one
# whose verdict flipped: its non-GPL exports and its functions.
awk -F'\t' '$4 == "EXPORT_SYMBOL" { print $2 }' "$SYMVERS" >"$tmp/exports"
nm --defined-only "$VMLINUX" | awk '{ sub(/\..*/, "", $3); print $3 }' | sort -u >"$tmp/functions"

python3 - "$tmp/diff.json" "$sample" "$tmp/exports" "$tmp/functions" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
exports = set(open(sys.argv[3]).read().split())
functions = set(open(sys.argv[4]).read().split())
missing = []
got = {(f["symbol"], f["path"][-1]["symbol"] if f.get("path") else f["symbol"])
       for f in d["findings"] if f["check"] == "export-door"}
bad = 0
n = {"real": 0, "false": 0, "false-tolerated": 0, "already-reachable": 0}
verdicts = {}
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
    verdicts[(sym, target)] = verdict
    if verdict == "real" and (sym, target) not in got and (sym not in exports or target not in functions):
        missing.append((sym, target))
        print(f"MISSING: {sym} -> {target} ({verdict}): not a plain export or no such function in this build")
        continue
    if verdict == "real" and (sym, target) not in got:
        print(f"FAIL: real door no longer reported: {sym} -> {target} ({reason})")
        bad += 1
    elif verdict == "already-reachable" and (sym, target) in got:
        print(f"FAIL: reported although 6.1 already reached it: {sym} -> {target} ({reason.split('. ')[0]})")
        bad += 1
    elif verdict == "false" and (sym, target) in got:
        print(f"FAIL: false door reported again: {sym} -> {target} ({reason.split('. ')[0]})")
        bad += 1
    elif verdict == "false-tolerated" and (sym, target) in got:
        tolerated += 1
        print(f"WARNING: known false positive still reported: {sym} -> {target} ({reason.split('. ')[0]})")
    elif verdict == "false-tolerated":
        print(f"NOTE: known false positive gone, make it a hard check (verdict false): {sym} -> {target}")
for p in sorted(got - labelled):
    print(f"NOTE: unlabelled export-door finding: {p[0]} -> {p[1]}")
total = sum(n.values())
real_now = sum(1 for p in got if verdicts.get(p) == "real")
print(f"export-door 6.1 -> 6.12: {len(got)} reported, {real_now} labelled real "
      f"({100.0 * real_now / max(len(got), 1):.1f}% precision); {total} pairs labelled, "
      f"{n['false'] + n['false-tolerated']} false "
      f"({tolerated} still reported, tolerated), {n['already-reachable']} already reachable in 6.1; "
      f"{len(got)} reported now; {len(missing)} labels missing from this build; {bad} failures")
if total and len(missing) * 10 > total:
    print(f"FAIL: {len(missing)} of {total} labels (> 10 %) have no subject in this build: redraw the sample")
    bad += 1
sys.exit(1 if bad else 0)
PY
