#!/bin/bash
# diff from Debian 13's 6.12 to Debian sid's 7.x (their Module.symvers, as
# tools/fetch-debian-kernel.sh unpacks them): 6.19 restricted
# __flush_tlb_all and cr4_read_shadow to the KVM modules
# (EXPORT_SYMBOL_FOR_KVM -> EXPORT_SYMBOL_FOR_MODULES), which broke
# VirtualBox and VMware's vmmon. export-license must say so, naming the
# list, and every module list of NEW that differs from OLD must be reported.
#
# Usage: sid-diff.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=${1:?usage: $0 KSYMAUDIT}
env=$(rk_fetched_kernel trixie-amd64-cloud) ||
	rk_skip "no Debian 13 kernel (tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg)"
old=$(eval "$env"; echo "$SYMVERS")
rk_sid_env
echo "OLD: $old"
echo "NEW: $SYMVERS"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$ks" diff --old-symvers "$old" --new-symvers "$SYMVERS" -j --fail-on never > "$tmp/diff.json"
python3 - "$tmp/diff.json" "$old" "$SYMVERS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def ns(path):
    out = {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) == 5:
            out[f[1]] = f[4]
    return out
o, n = ns(sys.argv[2]), ns(sys.argv[3])
want = {s for s in n if n[s].startswith("module:") and s in o and o[s] != n[s]}
want |= {s for s in o if o[s].startswith("module:") and s in n and o[s] != n[s]}
got = {}
for f in d["findings"]:
    if f["check"] == "export-license" and f["symbol"] in want:
        got[f["symbol"]] = f
bad = 0
missing = want - set(got)
if missing:
    print("FAIL: module-list changes not reported: %s" % sorted(missing)[:10])
    bad = 1
for s in ("__flush_tlb_all", "cr4_read_shadow"):
    f = got.get(s)
    lst = n.get(s, "")[len("module:"):]
    if not f or f["severity"] != "warning" or lst not in f["message"] or \
       f["new"] != "EXPORT_SYMBOL_GPL for modules " + lst:
        print("FAIL: %s: %s" % (s, f and f["message"]))
        bad = 1
    else:
        print("ok: " + f["message"])
print("module-list changes: %d, reported: %d" % (len(want), len(got)))
sys.exit(bad)
PY
