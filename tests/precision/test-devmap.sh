#!/bin/bash
# The 4.18 put_page() case on Debian 12's 6.1 debug kernel, the one the
# set-up installed (issue 8): with
# devmap_managed_key and __put_devmap_managed_page_refs made GPL-only in a
# copy of Module.symvers, `tree` reports put_page, put_devmap_managed_page
# and put_devmap_managed_page_refs (the header inlines that name the key),
# and not arch_static_branch or static_key_false (the machinery that tests
# whichever key its caller passes).
set -euo pipefail
export LC_ALL=C
ks=${1:?usage: test-devmap.sh KSYMAUDIT}
. "$(dirname "$0")/../real/lib.sh"
eval "$(rk_installed_kernel)" || rk_skip "cannot tell the installed kernel"
vmlinux=$VMLINUX
mods=$DEBUG_MODULES/kernel
symvers=$SYMVERS
for f in "$vmlinux" "$mods" "$symvers"; do
	[ -e "$f" ] || rk_skip "$f missing (Debian's $RELEASE debug kernel and headers)"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -F'\t' 'BEGIN { OFS = "\t" }
	$2 == "devmap_managed_key" || $2 == "__put_devmap_managed_page_refs" { $4 = "EXPORT_SYMBOL_GPL" }
	{ print }' "$symvers" >"$tmp/Module.symvers"
st=0
"$ks" tree --vmlinux "$vmlinux" -m "$mods" -s "$tmp/Module.symvers" -j \
	-o "$tmp/report.json" 2>"$tmp/err" || st=$?
[ $st -le 1 ] || { cat "$tmp/err" >&2; echo "FAIL: tree exited $st" >&2; exit 1; }
python3 - "$tmp/report.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
by = {}
for f in d["findings"]:
    if f["check"] == "inline-exposure":
        by[f["symbol"]] = {g["symbol"] for g in f.get("gpl_symbols", [])}
bad = 0
for fn in ("put_page", "put_devmap_managed_page", "put_devmap_managed_page_refs"):
    if "devmap_managed_key" not in by.get(fn, ()):
        print(f"FAIL: {fn} -> devmap_managed_key not reported"); bad += 1
    if "__put_devmap_managed_page_refs" not in by.get(fn, ()):
        print(f"FAIL: {fn} -> __put_devmap_managed_page_refs not reported"); bad += 1
for fn in ("arch_static_branch", "arch_static_branch_jump", "static_key_false"):
    if "devmap_managed_key" in by.get(fn, ()):
        print(f"FAIL: generic {fn} reported with devmap_managed_key"); bad += 1
print("devmap:", "ok" if not bad else f"{bad} failures")
sys.exit(1 if bad else 0)
PY

# explain asks the same question the other way round and must decide the
# same way: put_page and its inner inlines, not the static-key machinery.
"$ks" explain --vmlinux "$vmlinux" -m "$mods" -s "$symvers" -j \
	devmap_managed_key >"$tmp/explain.json" 2>"$tmp/err" || {
	cat "$tmp/err" >&2; echo "FAIL: explain failed" >&2; exit 1; }
python3 - "$tmp/explain.json" <<'PY'
import json, sys
inl = {f["symbol"] for f in json.load(open(sys.argv[1]))["findings"]
       if f["check"] == "explain-inline"}
bad = [f"missing {fn}" for fn in ("put_page", "put_devmap_managed_page",
                                  "put_devmap_managed_page_refs") if fn not in inl]
bad += [f"generic {fn} listed" for fn in ("arch_static_branch",
                                          "arch_static_branch_jump",
                                          "static_key_false") if fn in inl]
print("explain devmap:", "ok" if not bad else "FAIL: " + ", ".join(bad))
sys.exit(1 if bad else 0)
PY
