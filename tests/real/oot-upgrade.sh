#!/bin/bash
# "Will my modules survive this kernel?" on real modules: ZFS, NVIDIA,
# broadcom-sta (tools/build-oot-modules.sh) and OpenAFS
# (tools/build-openafs.sh), built for Debian 12's generic 6.1 kernel and
# installed in a fake root (updates/dkms, as DKMS puts them), audited by
# `ksymaudit upgrade` against Debian 13's 6.12 and sid's 7.x.
# The NEW kernels are modelled from what is fetched: the generic amd64
# flavour's Module.symvers (fetch-debian-kernel.sh SUITE amd64 amd64
# --headers; the modules are built for that flavour: the cloud one lacks
# wireless and most DRM, so it would report their exports as gone) and the
# cloud flavour's debug vmlinux for the header inlines (same headers; the
# only debug kernel fetched). OLD likewise: generic headers, cloud debug
# vmlinux.
# Checked: every import verdict is recomputed from the two Module.symvers
# with awk (names NEW no longer exports -> one "must be rebuilt" warning
# per module; non-GPL -> GPL-only or a new namespace -> errors; there are
# none: verified by hand for these four packages); nvidia-uvm counts as
# GPL-incompatible (it inherits nvidia's taint); every name in a warning is
# explained, read against linux-source-6.12/7.2 and the package sources, in
# oot-upgrade-notes.tsv (rebuild-ok: a header inline or macro produced it;
# api-break: the rebuild fails to compile, not a license break); no
# module-breaks error is reported for these modules on 6.12 or 7.x (no
# import turns GPL-only, no header inline they use newly reaches a GPL-only
# export: verified by the absence of such findings with the debug kernels'
# facts, and the upgrade runs in its text, JSON and SARIF forms).
# Usage: oot-upgrade.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$(realpath "$1")
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
rk_oot_data
oldvml=$VMLINUX
[ -s "$oldvml" ] || rk_skip "no 6.1 debug kernel $oldvml"
notes=$here/oot-upgrade-notes.tsv
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*" >&2; fail=1; }

O=$tmp/old
mkdir -p "$O/lib/modules/$rel/updates/dkms" "$O/usr/src" "$O/usr/lib/debug/boot"
cp $(find "$oot/zfs/module" -name '*.ko') "$oot"/nvidia/*.ko "$oot/broadcom-sta/wl.ko" \
	"$data/openafs/openafs-$rel.ko" "$O/lib/modules/$rel/updates/dkms/"
ln -s "$kdir" "$O/usr/src/linux-headers-$rel"
ln -s "$oldvml" "$O/usr/lib/debug/boot/vmlinux-$rel"
nmods=$(ls "$O/lib/modules/$rel/updates/dkms" | wc -l)

for suite in trixie sid; do
	henv=$data/$suite-amd64-amd64/env-headers denv=$data/$suite-amd64-cloud/env-dbg
	[ -s "$henv" ] || rk_skip "no $henv: tools/fetch-debian-kernel.sh $suite amd64 amd64 --headers"
	[ -s "$denv" ] || rk_skip "no $denv: tools/fetch-debian-kernel.sh $suite amd64 cloud --dbg"
	RELEASE= HEADERS= SYMVERS= VMLINUX=
	eval "$(grep -E '^(RELEASE|HEADERS|SYMVERS)=' "$henv")"
	new=$RELEASE nsym=$SYMVERS
	eval "$(grep -E '^VMLINUX=' "$denv")"
	N=$tmp/new-$suite
	mkdir -p "$N/usr/src" "$N/usr/lib/debug/boot"
	ln -s "$HEADERS" "$N/usr/src/linux-headers-$new"
	ln -s "$VMLINUX" "$N/usr/lib/debug/boot/vmlinux-$new"
	kver=$(echo "$new" | cut -d. -f1,2)

	st=0
	"$bin" upgrade --from-root "$O" --from "$rel" --to-root "$N" --to "$new" -j -o "$tmp/$suite.json" \
		2>"$tmp/$suite.err" || st=$?
	[ "$st" -le 1 ] || { cat "$tmp/$suite.err" >&2; bad "$suite: upgrade exit $st"; continue; }
	[ "$(jq '[.inputs[] | select(.kind == "module")] | length' "$tmp/$suite.json")" = "$nmods" ] ||
		bad "$suite: upgrade did not read the $nmods installed modules"

	# Import verdicts from the two Module.symvers.
	: >"$tmp/want-gone.txt"; : >"$tmp/want-err.txt"
	# What the installed modules export to each other (nvidia.ko's
	# nvUvmInterface*, spl's spl_*): resolved among them, not by NEW.
	for k in "$O/lib/modules/$rel/updates/dkms"/*.ko; do
		nm "$k" | sed -n 's/^[0-9a-f]* [A-Za-z] __ksymtab_//p'
	done | sort -u >"$tmp/own"
	for k in "$O/lib/modules/$rel/updates/dkms"/*.ko; do
		m=$(modinfo -F name "$k" 2>/dev/null || true)
		[ -n "$m" ] || m=$(basename "$k" .ko | tr - _)
		lic=$(modinfo -F license "$k" | sed -n 1p)
		gplok=0
		case $lic in "GPL"|"GPL v2"|"GPL and additional rights"|"Dual BSD/GPL"|"Dual MIT/GPL"|"Dual MPL/GPL") gplok=1 ;; esac
		[ "$m" = nvidia_uvm ] && gplok=0 # inherits nvidia's taint
		nm -u "$k" | awk '$1 == "U" { print $2 }' | sort -u >"$tmp/imp"
		awk -F'\t' -v m="$m" -v gplok=$gplok -v gone="$tmp/want-gone.txt" -v err="$tmp/want-err.txt" '
			FILENAME == ARGV[1] { imp[$1] = 1; next }
			FILENAME == ARGV[2] { own[$1] = 1; next }
			FILENAME == ARGV[3] { t[$2] = $4; n[$2] = $5; next }
			($2 in imp) && !($2 in own) && !($2 in seen) { seen[$2] = 1
				if (!gplok && $4 ~ /GPL/) next
				if (!($2 in t)) print m "\t" $2 >> gone
				else if (!gplok && t[$2] ~ /GPL/) print m "\t" $2 >> err
				else if (n[$2] != "" && n[$2] != $5) print m "\t" $2 >> err }' \
			"$tmp/imp" "$tmp/own" "$nsym" "$kdir/Module.symvers"
	done
	sort -u -o "$tmp/want-gone.txt" "$tmp/want-gone.txt"
	sort -u -o "$tmp/want-err.txt" "$tmp/want-err.txt"
	jq -r '.findings[] | select(.check == "module-breaks" and .severity == "warning") |
		.module as $m | (.message | capture("no longer exports \\((?<l>[^)]*)\\)").l | split(", ")[]) |
		$m + "\t" + .' "$tmp/$suite.json" | sort -u >"$tmp/got-gone.txt"
	diff -u "$tmp/want-gone.txt" "$tmp/got-gone.txt" >&2 || bad "$suite: the names NEW no longer exports differ from the symvers"
	jq -r '.findings[] | select(.severity == "error") | .module + "\t" + .symbol' "$tmp/$suite.json" | sort -u >"$tmp/got-err.txt"
	diff -u "$tmp/want-err.txt" "$tmp/got-err.txt" >&2 || bad "$suite: module-breaks errors differ from the symvers"
	[ ! -s "$tmp/got-err.txt" ] || bad "$suite: errors that these notes do not explain: $(tr '\n' ' ' <"$tmp/got-err.txt")"
	[ "$st" = 0 ] || bad "$suite: exit $st with no error finding"

	# Every name explained for this kernel.
	cut -f2 "$tmp/got-gone.txt" | sort -u | while read -r s; do
		awk -F'\t' -v s="$s" -v k="$kver" '$1 == s && ($2 == "both" || $2 == k) { f = 1 } END { exit !f }' "$notes" ||
			echo "$s"
	done >"$tmp/unexplained"
	[ ! -s "$tmp/unexplained" ] || bad "$suite ($kver): names without a note in $(basename "$notes"): $(tr '\n' ' ' <"$tmp/unexplained")"
	breaks=$(cut -f2 "$tmp/got-gone.txt" | sort -u | while read -r s; do
		awk -F'\t' -v s="$s" '$1 == s && $3 == "api-break" { print s }' "$notes"; done | tr '\n' ' ')

	# Text and SARIF say the same.
	"$bin" upgrade --from-root "$O" --from "$rel" --to-root "$N" --to "$new" -f sarif -o "$tmp/$suite.sarif" 2>/dev/null || true
	[ "$(jq '.runs[0].results | length' "$tmp/$suite.sarif")" = "$(jq '.findings | length' "$tmp/$suite.json")" ] ||
		bad "$suite: SARIF and JSON differ in the number of findings"
	"$bin" upgrade --from-root "$O" --from "$rel" --to-root "$N" --to "$new" >"$tmp/$suite.txt" 2>/dev/null || true
	grep -q "^ksymaudit upgrade: 0 errors, $(jq .summary.by_severity.warning "$tmp/$suite.json") warnings" "$tmp/$suite.txt" ||
		bad "$suite: the text summary differs"
	echo "$rel -> $new: $nmods modules, $(wc -l <"$tmp/got-gone.txt") names to rebuild ($(cut -f2 "$tmp/got-gone.txt" | sort -u | wc -l) distinct, $(wc -l <"$tmp/unexplained") unexplained), $(wc -l <"$tmp/got-err.txt") license breaks${breaks:+; API breaks of a rebuild: $breaks}"
done
[ "$fail" = 0 ] || exit 1
