#!/bin/bash
# GPL-only verdicts on real distribution modules, three ways.
#
# Distribution modules are GPL, so neither tool has anything to say about
# them as they are. Each sampled module is therefore copied with every
# license= entry of its .modinfo rewritten to "Proprietary" (objcopy
# --update-section; nothing else in the file changes) and given to both the
# kernel's own modpost and `ksymaudit check` (import_ns= entries are dropped
# too, for namespace-not-imported) -- the same files, the same
# question, the real answer from modpost. Then:
#   1. modpost on the relabelled copies == ksymaudit on the same copies
#      (gpl-only-use, namespace-not-imported, missing-license);
#   2. ksymaudit --license Proprietary on the untouched originals (three of
#      them recompressed with xz, zstd and gzip) == 1, so the override gives
#      the same verdict as a real license;
#   3. an independent oracle == modpost: `nm -u` of each module joined with
#      the EXPORT_SYMBOL_GPL lines of Module.symvers (awk), so a bug shared
#      by how both tools are driven here would still show;
#   4. ksymaudit on the untouched originals reports no gpl-only-use and no
#      namespace-not-imported (in-tree modules import what they use, and
#      need no import for a module-restricted export that lists them).
# modpost 6.1 insists on NAME.o and reads NAME.mod (the list of objects for
# symbol CRCs); the copies are named so and get an empty .mod.
#
# Usage: debian-modules.sh KSYMAUDIT
# KSYMAUDIT_REAL_SAMPLE=N audits about N modules (default 50, 0 = all).
# KSYMAUDIT_KDIR, KSYMAUDIT_REAL_MODULES and KSYMAUDIT_MODPOST (lib.sh) pick
# another kernel: tests/real/sid-modules.sh runs it on Debian sid's 7.x.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

ks=${1:?usage: $0 KSYMAUDIT}
[ -x "$ks" ] || rk_fail "$ks is not executable"
for t in objcopy nm python3 xz zstd gzip; do
	command -v "$t" >/dev/null || rk_skip "$t is not installed"
done
found=$(rk_find_real_modules) || rk_skip "no real modules with matching headers (set KSYMAUDIT_REAL_MODULES, or install linux-image-*-dbg / linux-image-*)"
kdir=${found%%$'\t'*}
moddir=${found#*$'\t'}
echo "kernel headers: $kdir"
echo "modules: $moddir"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

find "$moddir" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz' \) | sort > "$tmp/all"
n=$(wc -l < "$tmp/all")
[ "$n" -gt 0 ] || rk_fail "no modules under $moddir"
want=${KSYMAUDIT_REAL_SAMPLE:-50}
step=1
[ "$want" -gt 0 ] && [ "$n" -gt "$want" ] && step=$(( n / want ))
awk -v s="$step" '(NR - 1) % s == 0' "$tmp/all" > "$tmp/sample"
# Plus a few modules that import namespaces (their import_ns= entries are
# dropped below, so namespace-not-imported is compared on real data too).
grep -l -a 'import_ns=' $(grep '\.ko$' "$tmp/all") 2>/dev/null | sed -n 1,8p >> "$tmp/sample" || true
sort -u -o "$tmp/sample" "$tmp/sample"
echo "sample: $(wc -l < "$tmp/sample") of $n modules"

mkdir "$tmp/plain" "$tmp/prop"
# Decompress, relabel (license=Proprietary, no import_ns=), name as modpost
# wants.
python3 - "$tmp/sample" "$tmp" <<'PY'
import os, subprocess, sys
sample, tmp = sys.argv[1], sys.argv[2]
for src in open(sample).read().split():
    base = os.path.basename(src)
    name = base.split(".ko")[0]
    plain = os.path.join(tmp, "plain", name + ".ko")
    if base.endswith(".ko"):
        data = open(src, "rb").read()
    else:
        tool = {"xz": "xz", "zst": "zstd", "gz": "gzip"}[base.rsplit(".", 1)[1]]
        data = subprocess.run([tool, "-dc", src], check=True,
                              stdout=subprocess.PIPE).stdout
    open(plain, "wb").write(data)
    mi = os.path.join(tmp, name + ".modinfo")
    subprocess.run(["objcopy", "-O", "binary", "--only-section=.modinfo",
                    plain, mi], check=True)
    entries = open(mi, "rb").read().split(b"\0")
    entries = [b"license=Proprietary" if e.startswith(b"license=") else e
               for e in entries if not e.startswith(b"import_ns=")]
    open(mi, "wb").write(b"\0".join(entries))
    out = os.path.join(tmp, "prop", name + ".o")
    subprocess.run(["objcopy", "--update-section", ".modinfo=" + mi,
                    plain, out], check=True)
    open(os.path.join(tmp, "prop", name + ".mod"), "w").close()
PY
ls "$tmp"/prop/*.o > "$tmp/prop.list"

# 0. The kernel's modpost on the relabelled copies (-m: modversions, as
# Kbuild passes it when the kernel has them).
mflag=
grep -q '^CONFIG_MODVERSIONS=y' "$kdir/.config" && mflag=-m
modpost=$(rk_modpost "$kdir")
(cd "$kdir" && "$modpost" $mflag -e -i Module.symvers \
	-o "$tmp/modpost.symvers" -T "$tmp/prop.list") > "$tmp/modpost.log" 2>&1 || true
echo "modpost: $modpost"
grep -E '^(ERROR|WARNING): modpost: ' "$tmp/modpost.log" | rk_parse_modpost > "$tmp/modpost.txt"
grep -q . "$tmp/modpost.txt" || { tail -20 "$tmp/modpost.log" >&2; rk_fail "modpost reported nothing"; }

run_ks() { # OUT ARGS...
	local out=$1 st
	shift
	set +e
	"$ks" check -k "$kdir" --json --fail-on never "$@" > "$out.json" 2> "$out.err"
	st=$?
	set -e
	[ -s "$out.err" ] && head -20 "$out.err" >&2
	[ "$st" -eq 0 ] || rk_fail "ksymaudit check $* exited $st"
	rk_parse_json < "$out.json" > "$out.txt" || rk_fail "ksymaudit printed invalid JSON"
}
run_ks "$tmp/ks-prop" $(cat "$tmp/prop.list")
# The originals, three of them recompressed (xz, zstd, gzip) when the tree
# has plain .ko files, so reading compressed modules is compared too.
mkdir "$tmp/z"
i=0
while read -r f; do
	case "$f" in
	*.ko)
		case $i in
		0) xz -c "$f" > "$tmp/z/${f##*/}.xz"; f=$tmp/z/${f##*/}.xz ;;
		1) zstd -qc "$f" > "$tmp/z/${f##*/}.zst"; f=$tmp/z/${f##*/}.zst ;;
		2) gzip -c "$f" > "$tmp/z/${f##*/}.gz"; f=$tmp/z/${f##*/}.gz ;;
		esac
		i=$((i + 1)) ;;
	esac
	echo "$f"
done < "$tmp/sample" > "$tmp/orig.list"
run_ks "$tmp/ks-override" --license Proprietary $(cat "$tmp/orig.list")
run_ks "$tmp/ks-orig" $(cat "$tmp/orig.list")

# 3. The oracle: undefined symbols that Module.symvers says are GPL-only.
for f in "$tmp"/plain/*.ko; do
	m=$(basename "$f" .ko | tr - _)
	nm -u "$f" | awk -v m="$m" '{print m "\t" $NF}'
done > "$tmp/undef"
awk -F'\t' 'NR == FNR { if ($4 == "EXPORT_SYMBOL_GPL" || $4 == "EXPORT_SYMBOL_GPL_FUTURE" || $4 == "EXPORT_UNUSED_SYMBOL_GPL") gpl[$2] = 1; next }
	($2 in gpl) { print "gpl-only-use\t" $1 "\t" $2 }' \
	"$kdir/Module.symvers" "$tmp/undef" | sort -u > "$tmp/oracle.txt"

rc=0
echo "== 1. modpost vs ksymaudit on the relabelled copies"
rk_compare gpl-only-use "$tmp/modpost.txt" "$tmp/ks-prop.txt" 1 || rc=1
rk_compare namespace-not-imported "$tmp/modpost.txt" "$tmp/ks-prop.txt" 1 || rc=1
rk_compare missing-license "$tmp/modpost.txt" "$tmp/ks-prop.txt" 0 || rc=1
echo "== 2. ksymaudit --license Proprietary on the originals"
rk_compare gpl-only-use "$tmp/ks-prop.txt" "$tmp/ks-override.txt" 1 || rc=1
echo "== 3. oracle (nm -u + Module.symvers) vs modpost"
rk_compare gpl-only-use "$tmp/oracle.txt" "$tmp/modpost.txt" 1 || rc=1
echo "== 4. no gpl-only-use or namespace-not-imported on the originals"
for c in gpl-only-use namespace-not-imported; do
	if grep -q "^$c	" "$tmp/ks-orig.txt"; then
		grep "^$c	" "$tmp/ks-orig.txt" | sed -n 1,10p >&2
		echo "FAIL: $c reported for in-tree GPL modules ($(grep -c "^$c	" "$tmp/ks-orig.txt"))" >&2
		rc=1
	else
		echo "ok: no $c"
	fi
done
if grep -q "^namespace-not-imported	" "$tmp/ks-override.txt"; then
	grep "^namespace-not-imported	" "$tmp/ks-override.txt" | sed -n 1,10p >&2
	echo "FAIL: namespace-not-imported with --license Proprietary on in-tree modules" >&2
	rc=1
fi
[ "$rc" -eq 0 ] && echo "PASS: $(wc -l < "$tmp/sample") real modules, $(grep -c '^gpl-only-use' "$tmp/modpost.txt") GPL-only uses agree"
exit "$rc"
