#!/bin/bash
# ksymaudit diff on two real releases: Debian 12's 6.1 cloud debug kernel
# (installed: linux-image-*-cloud-amd64-dbg and the matching headers) and
# Debian 13's 6.12 one, unpacked by tools/fetch-debian-kernel.sh trixie amd64
# cloud --dbg under $KSYMAUDIT_DATA (default /var/tmp/ksymaudit-data).
# Facts checked by hand (Debian 12 6.1 against Debian 13 6.12, November 2026) and
# kept here:
#  - export-license is exactly what the two Module.symvers say (recomputed
#    here with awk, independently of ksymaudit);
#  - recalibrate_cpu_khz: EXPORT_SYMBOL in 6.1 (arch/x86/kernel/tsc.c:916 of
#    linux-source-6.1), EXPORT_SYMBOL_GPL in 6.12's Module.symvers;
#  - bpf_map_get: moved into namespace BPF_INTERNAL (both Module.symvers);
#  - inline-exposure, new: skb_dst_copy() (include/net/dst.h) reaches the
#    GPL-only rcuref_get_slowpath through dst_hold() -> rcuref_get(); 6.1's
#    dst_hold() used an atomic and rcuref_get_slowpath did not exist;
#  - export-door: vm_brk_flags -> do_brk_flags -> ksm_add_vma -> __ksm_enter
#    in 6.12 (objdump of its vmlinux: call, call, tail jmp); in 6.1 mm/mmap.c
#    has no KSM call and __ksm_enter is called from ksm_madvise, which is
#    EXPORT_SYMBOL_GPL (mm/ksm.c:2577, 2601).
# With OpenAFS built against the 6.1 headers (tools/build-openafs.sh), also
# module-breaks, whose import verdicts are recomputed from the symvers.
# Usage: diff-releases.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
bin=$(realpath "$1")
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}

oldrel=$(eval "$(rk_installed_kernel)" && echo "$RELEASE") || rk_skip "cannot tell the installed kernel"
[ -e "/usr/lib/debug/boot/vmlinux-$oldrel" ] || rk_skip "no Debian 12 cloud debug kernel (linux-image-$oldrel-dbg)"
oldsym=/usr/src/linux-headers-$oldrel/Module.symvers
[ -s "$oldsym" ] || rk_skip "no $oldsym (linux-headers-$oldrel)"
env=$data/trixie-amd64-cloud/env-dbg
[ -s "$env" ] || rk_skip "no $env: run tools/fetch-debian-kernel.sh trixie amd64 cloud --dbg"
RELEASE= ROOT= SYMVERS=
eval "$(grep -E '^(RELEASE|ROOT|SYMVERS)=' "$env")"
[ -s "$SYMVERS" ] && [ -d "$ROOT/usr/lib/debug/lib/modules/$RELEASE" ] ||
	rk_skip "$ROOT: the trixie cloud kernel is incomplete"

tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp"
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

# Both kernels walked by diff itself (at the same time).
status=0
"$bin" diff --old-release "$oldrel" --new-release "$RELEASE" --new-root "$ROOT" \
	-j -o trees.json 2>trees.err || status=$?
[ "$status" -le 1 ] || { cat trees.err >&2; rk_fail "diff of the two kernels: exit $status"; }

# export-license against the two Module.symvers, recomputed with awk.
awk -F'\t' 'NR == FNR { t[$2] = $4; n[$2] = $5; next }
	!($2 in t) { print $2, "removed"; next }
	t[$2] != $4 || n[$2] != $5 { print $2, "changed" }' "$SYMVERS" "$oldsym" |
	sort >want-license.txt
jq -r '.findings[] | select(.check == "export-license") |
	.symbol + " " + (if .new == null then "removed" else "changed" end)' \
	trees.json | sort >got-license.txt
[ -s want-license.txt ] || bad "the symvers differ in nothing?"
diff -u want-license.txt got-license.txt >&2 || bad "export-license differs from the Module.symvers"

# has JQ_FILTER MESSAGE: at least one finding matches.
has() {
	[ "$(jq "[.findings[] | select($1)] | length" trees.json)" -ge 1 ] || bad "$2"
}
has '.check == "export-license" and .symbol == "recalibrate_cpu_khz" and
	.old == "EXPORT_SYMBOL" and .new == "EXPORT_SYMBOL_GPL" and .change == "changed"' \
	"recalibrate_cpu_khz did not become GPL-only"
has '.check == "export-license" and .symbol == "bpf_map_get" and
	.new == "EXPORT_SYMBOL in namespace BPF_INTERNAL"' \
	"bpf_map_get did not move into BPF_INTERNAL"
has '.check == "inline-exposure" and .change == "new" and .symbol == "skb_dst_copy" and
	(.message | contains("rcuref_get_slowpath"))' \
	"skb_dst_copy does not newly reach rcuref_get_slowpath"
has '.check == "export-door" and .symbol == "vm_brk_flags" and
	([.path[].symbol] == ["do_brk_flags", "ksm_add_vma", "__ksm_enter"])' \
	"no export-door vm_brk_flags -> do_brk_flags -> ksm_add_vma -> __ksm_enter"
# Every change is one of the three; gone ones are notes.
[ "$(jq '[.findings[] | select(.change != "new" and .change != "gone" and .change != "changed")] | length' trees.json)" = 0 ] ||
	bad "a finding without a change"
[ "$(jq '[.findings[] | select(.change == "gone" and .severity != "note")] | length' trees.json)" = 0 ] ||
	bad "a gone finding that is not a note"

# The same from saved reports gives the same findings.
"$bin" tree --release "$oldrel" -j -o old.json 2>/dev/null || true
"$bin" tree --vmlinux "$ROOT/usr/lib/debug/boot/vmlinux-$RELEASE" \
	-m "$ROOT/usr/lib/debug/lib/modules/$RELEASE/kernel" -s "$SYMVERS" \
	-j -o new.json 2>/dev/null || true
"$bin" diff old.json new.json -j -o reports.json 2>reports.err || true
key='.findings[] | [.check, .change, .module // "-", .symbol // "-", (.path | map(.symbol) | join(">"))] | @tsv'
jq -r "$key" trees.json | sort >trees.txt
jq -r "$key" reports.json | sort >reports.txt
diff -u trees.txt reports.txt >&2 || bad "diff of reports differs from diff of kernels"
# diff's inline-exposure and export-wrapper findings carry tree's fields
# (gpl_symbols, targets, score, ...), value by value, both ways.
for x in trees reports; do
	python3 "$here/../diff/same-fields.py" old.json new.json "$x.json" >&2 ||
		bad "diff ($x) findings differ from tree's in their fields"
done

# OpenAFS built against the old release: module-breaks, each import verdict
# recomputed from the two Module.symvers (the module is not GPL-compatible).
ko=$(ls "$data"/openafs/openafs-"$oldrel".ko "$data"/openafs/openafs-*.ko 2>/dev/null | sed -n 1p || true)
if [ -n "$ko" ]; then
	status=0
	"$bin" diff old.json new.json -m "$ko" -j -o afs.json 2>afs.err || status=$?
	[ "$status" -le 1 ] || { cat afs.err >&2; bad "diff -m openafs: exit $status"; }
	nm -u "$ko" | awk '$1 == "U" { print $2 }' | sort -u >imports.txt
	awk -F'\t' 'FILENAME == ARGV[1] { imp[$1] = 1; next }
		FILENAME == ARGV[2] { t[$2] = $4; n[$2] = $5; next }
		($2 in imp) && !($2 in seen) { seen[$2] = 1
			if ($4 ~ /GPL/) next          # unusable against OLD already
			if (!($2 in t)) print $2, "removed"
			else if (t[$2] ~ /GPL/) print $2, "gpl"
			else if (n[$2] != "" && n[$2] != $5) print $2, "ns" }' \
		imports.txt "$SYMVERS" "$oldsym" | sort >want-afs.txt
	jq -r '.findings[] | select(.check == "module-breaks" and .old != null) |
		.symbol + " " + (if .new == null then "removed"
			elif (.new | contains("GPL")) then "gpl" else "ns" end)' \
		afs.json | sort >got-afs.txt
	diff -u want-afs.txt got-afs.txt >&2 || bad "openafs import breaks differ from the symvers"
	echo "openafs: $(wc -l <got-afs.txt) import breaks," \
		"$(jq '[.findings[] | select(.check == "module-breaks" and .old == null)] | length' afs.json) inline breaks"
elif rk_required; then
	bad "no OpenAFS module under $data/openafs: run tools/build-openafs.sh"
else
	echo "SKIP (part): no OpenAFS module under $data/openafs"
fi

[ "$fail" = 0 ] || exit 1
echo "diff $oldrel -> $RELEASE: $(jq .summary.findings trees.json) findings, verified facts hold"
