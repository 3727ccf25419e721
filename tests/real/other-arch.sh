#!/bin/bash
# Real modules of other architectures — s390x (64-bit big-endian), arm64
# (PREL32 export tables) and i386 (32-bit) — as Debian ships them, fetched
# and unpacked (never installed) by tools/fetch-debian-kernel.sh (which
# tools/setup-debian.sh --test-data runs). `check --license Proprietary`
# over each whole tree must agree, module by module, with an independent
# reader of the undefined symbols (undefined_symbols.py: Python, no libelf)
# and the tree's Module.symvers (compare_arch.py).
# Skips (77) when no tree was fetched, unless KSYMAUDIT_REQUIRE_REAL=1.
# Usage: other-arch.sh KSYMAUDIT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
bin=$1
data=${KSYMAUDIT_DATA:-/var/tmp/ksymaudit-data}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ran=0 missing=() fail=0

for spec in "s390x s390x" "arm64 arm64" "i386 686"; do
	set -- $spec
	env=$(ls -d "$data"/*-"$1-$2"/env 2>/dev/null | sort | tail -n 1 || true)
	if [ -z "$env" ] || [ ! -s "$env" ]; then
		missing+=("$1")
		continue
	fi
	(
		# shellcheck disable=SC1090
		eval "$(cat "$env")"
		echo "== $1: $RELEASE"
		status=0
		"$bin" check -j --license Proprietary --no-explain --fail-on never \
			-s "$SYMVERS" "$MODULES/kernel" >"$tmp/$1.json" 2>"$tmp/$1.err" || status=$?
		[ "$status" = 0 ] || { echo "FAIL $1: exit $status"; head "$tmp/$1.err"; exit 1; }
		python3 "$here/compare_arch.py" "$tmp/$1.json" "$SYMVERS" "$MODULES/kernel"
		# arm64 modules are several objects linked with ld -r, with
		# alternatives assembled into .text itself: the calls after one
		# are still calls. The labels of arm64-wrappers.tsv, checked
		# against the 6.1 sources, must all be found.
		if [ "$1" = arm64 ]; then
			while IFS='	' read -r mod exp tgt why; do
				case $mod in '#'*|'') continue ;; esac
				ko=$(find "$MODULES/kernel" -name "$mod.ko*" -print -quit)
				[ -n "$ko" ] || { echo "FAIL arm64: no $mod.ko under $MODULES/kernel"; exit 1; }
				"$bin" tree -m "$ko" -s "$SYMVERS" --no-cache -j >"$tmp/w.json" 2>"$tmp/w.err" || true
				jq -e --arg e "$exp" --arg t "$tgt" '.findings[] | select(.check == "export-wrapper" and
					.symbol == $e and ([.targets[].symbol] | index($t)))' "$tmp/w.json" >/dev/null ||
					{ echo "FAIL arm64: no export-wrapper $exp -> $tgt in $ko ($why)"; cat "$tmp/w.err"; exit 1; }
				echo "arm64: $mod: $exp -> $tgt"
			done <"$here/arm64-wrappers.tsv"
		fi
	) || fail=1
	ran=$((ran + 1))
done
if [ ${#missing[@]} -gt 0 ]; then
	msg="no Debian kernel tree for ${missing[*]} under $data (tools/setup-debian.sh --test-data, or tools/fetch-debian-kernel.sh bookworm ARCH FLAVOUR)"
	[ "$ran" -gt 0 ] && ! rk_required && echo "note: $msg" >&2
	[ "$ran" -gt 0 ] || rk_skip "$msg"
	! rk_required || rk_fail "$msg"
fi
exit $fail
