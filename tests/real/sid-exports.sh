#!/bin/bash
# Export tables of Debian sid's 7.x cloud debug kernel (no __ksymtab_gpl: the
# license is a flag in __kflagstab; EXPORT_SYMBOL_FOR_MODULES exports with a
# "module:LIST" namespace), fetched by tools/fetch-debian-kernel.sh sid amd64
# cloud --dbg:
#   1. the ELF tables of vmlinux and of every exporting debug module equal
#      Module.symvers, name by name (type, namespace, CRC): the unit test
#      test-elf-exports-real pointed at sid's files;
#   2. `ksymaudit tree` reports no export-mismatch and no input problem, and
#      its facts (tree -j) carry every module-restricted export of
#      Module.symvers with its list split into modules[].
#
# Usage: sid-exports.sh KSYMAUDIT TEST-ELF-EXPORTS-REAL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=${1:?usage: $0 KSYMAUDIT TEST-ELF-EXPORTS-REAL}
unit=${2:?usage: $0 KSYMAUDIT TEST-ELF-EXPORTS-REAL}
rk_sid_env
echo "kernel: $RELEASE"
command -v python3 >/dev/null || rk_skip "python3 is not installed"
secs=$(readelf -SW "$VMLINUX") || rk_fail "readelf cannot read $VMLINUX"
grep -q ' __kflagstab ' <<<"$secs" || rk_fail "$VMLINUX has no __kflagstab: not a 7.x kernel?"
! grep -q ' __ksymtab_gpl ' <<<"$secs" || rk_fail "$VMLINUX has __ksymtab_gpl: not a 7.x kernel?"

echo "== 1. ELF export tables == Module.symvers"
KA_REAL_VMLINUX=$VMLINUX KA_REAL_SYMVERS=$SYMVERS KA_REAL_MODULES=$DEBUG_MODULES \
	"$unit" || rk_fail "ELF export tables differ from Module.symvers"

echo "== 2. tree"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
st=0
"$ks" tree --vmlinux "$VMLINUX" -m "$DEBUG_MODULES/kernel" -s "$SYMVERS" -j \
	-o "$tmp/tree.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; rk_fail "tree exited $st"; }
python3 - "$tmp/tree.json" "$SYMVERS" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = 0
mism = [f for f in d["findings"] if f["check"] == "export-mismatch"]
print("export-mismatch findings: %d" % len(mism))
for f in mism[:10]:
    print("  " + f["message"])
bad += len(mism) > 0
print("input problems: %d" % len(d["errors"]))
for e in d["errors"][:10]:
    print("  %s" % e)
bad += len(d["errors"]) > 0
want = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    if len(f) == 5 and f[4].startswith("module:"):
        want[f[1]] = f[4]
got = {e["symbol"]: e for e in d["exports"] if e.get("namespace", "") and e["namespace"].startswith("module:")}
print("module-restricted exports: Module.symvers %d, tree -j %d" % (len(want), len(got)))
if not want or set(want) != set(got):
    print("FAIL: module-restricted exports differ: %s" % sorted(set(want) ^ set(got))[:10])
    bad += 1
for s, e in got.items():
    if e["type"] != "EXPORT_SYMBOL_GPL" or e["namespace"] != want.get(s) or \
       e.get("modules") != want.get(s, "")[len("module:"):].split(","):
        print("FAIL: %s: %s" % (s, e))
        bad += 1
        break
sys.exit(1 if bad else 0)
PY
echo "PASS: $RELEASE export tables as Module.symvers, 0 export-mismatch"
