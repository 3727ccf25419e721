#!/bin/bash
# The 7.x fixtures (tests/fixtures: x86_64-kflags; a module-restricted
# export ka_formods_func for "mod-gpl,mod-d*,mod_user") through the modpost
# of a 7.x kernel built from source (tools/build-test-kernel-7.sh) and
# through `ksymaudit check`: the same (check, module, symbol)
# findings, module names compared as written (modpost's mod-user, not
# mod_user: '-' and '_' are what the module-list rule is about), and the
# messages modpost prints are ksymaudit's, word for word.
#
# With "newest" as a third argument the modpost is the one of the newest
# kernel Debian serves (tools/fetch-newest-kernel.sh), whose words may be
# newer than sid's (7.3 reworded them).
#
# Usage: modpost7-fixtures.sh KSYMAUDIT FIXTURES_DIR [newest]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
ks=$(realpath "${1:?usage}")
fx=$(realpath "${2:?usage}")
if [ "${3:-}" = newest ]; then
	e=$rk_data/newest/env
	[ -s "$e" ] || rk_skip "no $e (tools/fetch-newest-kernel.sh)"
	MODPOST=$(. "$e" && echo "$MODPOST")
	K7_RELEASE=$(. "$e" && echo "$RELEASE")
	[ -x "$MODPOST" ] || rk_skip "$e names $MODPOST, which is gone (fetch again)"
else
	rk_kernel7_env
fi
d=$fx/x86_64-kflags
[ -f "$d/mod-gpl.o" ] || rk_fail "no fixtures in $d"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mods="mod-gpl mod-proprietary mod-user mod-nolicense mod-dual"
for m in $mods; do
	cp "$d/$m.o" "$tmp/"
	: >"$tmp/$m.mod"
	echo "$m.o"
done >"$tmp/order"
cp "$d/Module.symvers" "$tmp/"
(cd "$tmp" && "$MODPOST" -i Module.symvers -T order) >"$tmp/modpost.log" 2>&1 || true
cat "$tmp/modpost.log"
# modpost's messages without its prefix and final period, as ksymaudit
# words them.
sed -n 's/^ERROR: modpost: //p; s/^WARNING: modpost: //p' "$tmp/modpost.log" |
	grep -v 'MODULE_DESCRIPTION' | sed 's/\.$//; s/ undefined!$/ undefined/' |
	# modpost reads mod-proprietary's exports only from its
	# Module.symvers (tests/fixtures/README.md); ksymaudit, given the
	# module, says proprietary-import instead.
	grep -v '^"prop_func" \[mod-user.ko\] undefined$' |
	grep -v "^mod-user\.ko: symbol 'prop_func' undefined$" | sort >"$tmp/modpost.txt"
set +e
# The kernel side is a directory with the 7.x build's kernel.release, so
# that ksymaudit words its messages as that release's modpost does (7.3
# changed them); the fixture objects carry no vermagic.
mkdir -p "$tmp/include/config"
echo "$K7_RELEASE" >"$tmp/include/config/kernel.release"
(cd "$tmp" && "$ks" check -k "$tmp" -j --fail-on never $(sed 's/$//' order)) >"$tmp/ks.json"
st=$?
set -e
[ $st = 0 ] || rk_fail "ksymaudit check exited $st"
python3 - "$tmp/ks.json" <<'PY' | sort >"$tmp/ks.txt"
import json, sys
for f in json.load(open(sys.argv[1]))["findings"]:
    if f["check"] in ("gpl-only-use", "namespace-not-imported", "missing-license", "unresolved-symbol"):
        print(f["message"])
PY
echo "--- modpost"; cat "$tmp/modpost.txt"
echo "--- ksymaudit"; cat "$tmp/ks.txt"
diff -u "$tmp/modpost.txt" "$tmp/ks.txt" || rk_fail "messages differ"
grep -qxF "$(rk_modpost_ns_msg mod-user ka_formods_func 'module:mod-gpl,mod-d*,mod_user' "$K7_RELEASE")" "$tmp/ks.txt" ||
	rk_fail "the '_'-spelled list entry is not refused"
! grep -q 'module mod-gpl \|module mod-dual \|^mod-gpl\.ko: \|^mod-dual\.ko: ' "$tmp/ks.txt" || rk_fail "a listed module was refused"
echo "PASS: modpost of $K7_RELEASE and ksymaudit agree word for word"
