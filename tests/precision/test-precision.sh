#!/bin/bash
# inline-exposure precision on a real Debian debug kernel (issue 8): re-runs
# `ksymaudit tree` and checks the committed, hand-labelled sample of
# reported (inline, symbol) pairs against it.
#
# Usage: test-precision.sh KSYMAUDIT SAMPLE.tsv KERNEL [ANCHORS.tsv]
# KERNEL is "6.1": Debian 12's cloud debug kernel, installed by the set-up
# (its release is the archive's current one: tools/installed-kernel.sh, as
# recorded in $KSYMAUDIT_DATA/test-data.env); or "6.12": Debian 13's cloud
# debug kernel unpacked (never installed) by `tools/fetch-debian-kernel.sh
# trixie amd64 cloud --dbg` (its env file under $KSYMAUDIT_DATA, default
# /var/tmp/ksymaudit-data); or "7.x": Debian sid's 7.x cloud debug kernel,
# unpacked the same way (`sid amd64 cloud --dbg`), its release from its env
# file. Missing kernel: exit 77, or fail when real data is required
# (tests/real/lib.sh).
#
# Labels are facts about the kernel sources, not about one build, so they
# are checked on whatever point release the archive serves now: a pair
# labelled real must be reported, one labelled false must not. A real label
# whose subject is not in this build (the inline no longer references the
# symbol at all, or the symbol is no longer a GPL-only export: it is absent
# from tree's inline_uses facts) is counted as missing, not as a flip; more
# than 10 % missing fails too (the sample must be redrawn on a newer release).
set -euo pipefail
export LC_ALL=C
ks=${1:?usage}
sample=${2:?usage}
which=${3:?usage}
anchors=${4:-}
. "$(dirname "$0")/../real/lib.sh"

case $which in
6.1) env=$(rk_installed_kernel) || rk_skip "cannot tell the installed kernel" ;;
6.12) env=$(rk_fetched_kernel trixie-amd64-cloud) ||
	rk_skip "no Debian 13 6.12 debug kernel (tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg)" ;;
7.x) env=$(rk_fetched_kernel sid-amd64-cloud) ||
	rk_skip "no Debian sid 7.x debug kernel (tools/fetch-debian-kernel.sh sid amd64 cloud --dbg)" ;;
*) echo "unknown kernel $which" >&2; exit 2 ;;
esac
eval "$env"
case $RELEASE in
"$which".*|"${which%.x}".*) ;;
*) rk_fail "the $which sample needs a $which kernel, found $RELEASE" ;;
esac
vmlinux=$VMLINUX
mods=$DEBUG_MODULES/kernel
symvers=$SYMVERS
for f in "$vmlinux" "$mods" "$symvers"; do
	[ -e "$f" ] || rk_skip "$f missing (Debian's $RELEASE debug kernel and headers)"
done
echo "kernel: $RELEASE"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=0
"$ks" tree --vmlinux "$vmlinux" -m "$mods" -s "$symvers" -j \
	-o "$tmp/report.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: tree exited $st" >&2; exit 1; }
# On 7.x also: worker processes (-t 2, src/util/procpool.c) and one thread
# in the caller (-t 1) give the same report, byte for byte; the -t 2 run
# names the kernel as a new user of unpacked packages would, --root with
# --release, and must find the same files.
if [ "$which" = 7.x ]; then
	for t in 1 2; do
		if [ $t = 1 ]; then
			side=(--vmlinux "$vmlinux" -m "$mods" -s "$symvers")
		else
			side=(--root "$ROOT" --release "$RELEASE")
		fi
		st=0
		"$ks" tree "${side[@]}" -j -t $t \
			--no-cache -o "$tmp/t$t.json" 2>"$tmp/err" || st=$?
		[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: tree -t $t exited $st" >&2; exit 1; }
	done
	cmp -s "$tmp/t1.json" "$tmp/t2.json" ||
		{ echo "FAIL: tree -t 1 and -t 2 reports differ" >&2; diff "$tmp/t1.json" "$tmp/t2.json" | sed -n 1,10p >&2; exit 1; }
	echo "ok: tree -t 1 and -t 2 (worker processes, --root --release) give the same report"
fi

python3 - "$tmp/report.json" "$sample" $anchors <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
got = {(f["symbol"], g["symbol"]) for f in d["findings"]
       if f["check"] == "inline-exposure" for g in f.get("gpl_symbols", [])}
# Every (inline, GPL-only symbol) the build has, reported or not.
facts = {(u["function"], s) for u in d.get("inline_uses", [])
         for s in u.get("gpl_symbols", [])}
bad = 0
n = {"real": 0, "false": 0}
missing = []
lines = [(True, l) for l in open(sys.argv[2])]
for a in sys.argv[3:]:
    lines += [(False, l) for l in open(a)]
labels = 0
for in_sample, line in lines:
    if line.startswith("#") or not line.strip():
        continue
    fn, sym, verdict, reason = line.rstrip("\n").split("\t", 3)
    if verdict not in n:
        print(f"FAIL: bad verdict {verdict!r} for {fn} -> {sym}")
        bad += 1
        continue
    labels += 1
    if in_sample:
        n[verdict] += 1
    # A real pair with no subject here cannot be checked; a false one is
    # right whenever it is not reported.
    if verdict == "real" and (fn, sym) not in facts and (fn, sym) not in got:
        missing.append((fn, sym, verdict))
        print(f"MISSING: {fn} -> {sym} ({verdict}): not in this build")
        continue
    if verdict == "real" and (fn, sym) not in got:
        print(f"FAIL: real exposure no longer reported: {fn} -> {sym} ({reason})")
        bad += 1
    if verdict == "false" and (fn, sym) in got:
        print(f"FAIL: false exposure reported: {fn} -> {sym} ({reason})")
        bad += 1
total = n["real"] + n["false"]
print(f"sample: {total} pairs, {n['real']} real ({100.0 * n['real'] / max(total, 1):.1f}% when sampled), "
      f"{n['false']} false; {len(missing)} of {labels} labels missing from this build; {bad} flipped")
if labels and len(missing) * 10 > labels:
    print(f"FAIL: {len(missing)} of {labels} labels (> 10 %) have no subject in this build: redraw the sample")
    bad += 1
sys.exit(1 if bad else 0)
PY
