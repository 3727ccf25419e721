#!/bin/sh
# ksymaudit diff on two mini kernels compiled here (tests/diff/src; NEW is
# built with -DKA_NEW): a GPL flip (flip_func), a removed export (gone_func),
# a namespace move (ns_func), a header inline that starts calling a GPL-only
# export (mini_plain, the 4.18 put_page() case), one that reaches one more
# (mini_get: changed), a new EXPORT_SYMBOL door (door_entry -> interior,
# which only gpl_entry reached), and two modules built against OLD (and one
# ready for NEW, one that does not load against OLD). Both sides as kernels and as saved reports must give the
# same findings; the exit status counts new findings only.
# Usage: test-diff.sh KSYMAUDIT SRC_DIR FIXTURE_SRC_DIR RULES_DIR
set -eu
export LC_ALL=C
bin=$(realpath "$1") src=$(realpath "$2") fxsrc=$(realpath "$3") rules=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0

cflags="-O2 -g -DKA_ENC_PREL32 -fno-pic -fno-asynchronous-unwind-tables -I$fxsrc -Iinclude"
for side in old new; do
	mkdir -p "$tmp/$side"
	def=
	[ "$side" = new ] && def=-DKA_NEW
	(cd "$src" && for f in core user; do
		# shellcheck disable=SC2086
		gcc $cflags $def -c "$f.c" -o "$tmp/$side/$f.o"
	done)
	ld --emit-relocs -e 0 -T "$fxsrc/vmlinux.lds" -o "$tmp/$side/vmlinux" \
		"$tmp/$side/core.o" "$tmp/$side/user.o"
done
mkdir "$tmp/mods"
(cd "$src" && for m in mod-vendor mod-free mod-ready mod-broken; do
	# shellcheck disable=SC2086
	gcc $cflags -c "$m.c" -o "$tmp/$m.o"
	ld -r -T "$fxsrc/module.lds" -o "$tmp/mods/$m.ko" "$tmp/$m.o"
done)
cd "$tmp"

# run NAME WANT_STATUS ARGS...: compares the findings with expected-NAME.txt
run() {
	name=$1 want=$2
	shift 2
	status=0
	"$bin" "$@" -r "$rules" -j >"$tmp/$name.json" 2>"$tmp/$name.err" || status=$?
	python3 "$here/findings.py" <"$tmp/$name.json" >"$tmp/$name.txt" || {
		echo "FAIL $name: bad JSON"; cat "$tmp/$name.err"; fail=1; return; }
	if ! diff -u "$here/expected-$name.txt" "$tmp/$name.txt"; then
		echo "FAIL $name: findings differ"; cat "$tmp/$name.err"; fail=1
	fi
	[ "$status" = "$want" ] || { echo "FAIL $name: exit $status, expected $want"; cat "$tmp/$name.err"; fail=1; }
}

nodbg="--debug-root /nonexistent"
# shellcheck disable=SC2086
run diff-trees 1 diff --old-vmlinux old/vmlinux --new-vmlinux new/vmlinux $nodbg -m mods
# The same from saved reports (what CI keeps as an artifact).
for side in old new; do
	"$bin" tree --vmlinux "$side/vmlinux" $nodbg -r "$rules" -j -o "$side.json" ||
		{ echo "FAIL tree -j $side"; fail=1; }
done
run diff-reports 1 diff old.json new.json -m mods
# A kernel side against a report.
# shellcheck disable=SC2086
run diff-mixed 1 diff old.json --new-vmlinux new/vmlinux $nodbg -m mods
# The other way round: what NEW added is gone (a note), exports changed back.
run diff-reverse 1 diff new.json old.json --fail-on note
# diff's findings of tree's checks carry tree's fields (gpl_symbols,
# targets, score, ...), value by value, whichever way a side was read.
for x in trees reports mixed; do
	python3 "$here/same-fields.py" old.json new.json "diff-$x.json" ||
		{ echo "FAIL diff-$x: fields differ from tree's"; fail=1; }
done
python3 "$here/same-fields.py" new.json old.json diff-reverse.json ||
	{ echo "FAIL diff-reverse: fields differ from tree's"; fail=1; }
# Gone findings never fail a run, whatever --fail-on says.
python3 -c '
import json, sys
d = json.load(open("new.json"))
d["findings"] = [f for f in d["findings"] if f["check"] != "inline-exposure"]
json.dump(d, open("new-fixed.json", "w"))'
run diff-gone 0 diff new.json new-fixed.json --fail-on note
# Nothing changed: nothing reported.
run diff-same 0 diff new.json new.json --fail-on note
# Without modules, warnings fail only with --fail-on warning.
run diff-nomods 0 diff old.json new.json
run diff-nomods-warn 1 diff old.json new.json --fail-on warning
# A waiver for the door.
printf 'export-door door_entry reason="reviewed: the test door"\n' >door.waivers
run diff-waived 0 diff old.json new.json -w door.waivers --max-depth 3 --fail-on never

# Text output names the change and the old and new export.
"$bin" diff old.json new.json -r "$rules" >text.txt 2>&1 || true
grep -q "^warning: changed: EXPORT_SYMBOL 'flip_func' became GPL-only \[export-license\]$" text.txt ||
	{ echo "FAIL text: flip_func line"; cat text.txt; fail=1; }
grep -q "^  was EXPORT_SYMBOL, now EXPORT_SYMBOL in namespace MINI_NS$" text.txt ||
	{ echo "FAIL text: ns_func old/new line"; cat text.txt; fail=1; }
# mod-ready imports MINI_NS already: read, and nothing to report;
# mod-broken does not load against OLD: named, not checked.
"$bin" diff old.json new.json -m mods -r "$rules" >mods.txt 2>&1 || true
grep -q "^ksymaudit diff: 6 errors, .* in 4 modules$" mods.txt ||
	{ echo "FAIL -m: not 4 modules with 6 errors"; tail -1 mods.txt; fail=1; }
if grep -q "module mod_ready\|module mod_broken" mods.txt; then
	echo "FAIL -m: mod_ready or mod_broken reported"; fail=1
fi
grep -q "^ksymaudit: .*mod-broken.ko: does not load against OLD (it uses GPL-only 'gpl_core'): not checked for module-breaks$" mods.txt ||
	{ echo "FAIL -m: mod-broken not named"; cat mods.txt; fail=1; }
# SARIF carries the change in the result's properties.
"$bin" diff old.json new.json -r "$rules" -f sarif >out.sarif 2>/dev/null || true
python3 - out.sarif <<'PY' || { echo "FAIL sarif change property"; fail=1; }
import json, sys
doc = json.load(open(sys.argv[1]))
res = doc["runs"][0]["results"]
ch = {(r["ruleId"], r["properties"].get("symbol")): r["properties"].get("change") for r in res}
assert ch[("export-door", "door_entry")] == "new", ch
assert ch[("export-license", "flip_func")] == "changed", ch
rules = {r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]}
assert {"export-door", "export-license"} <= rules, rules
PY

# The tree report carries the export table and the facts diff needs.
python3 - new.json <<'PY' || { echo "FAIL tree -j facts"; fail=1; }
import json, sys
doc = json.load(open(sys.argv[1]))
ex = {e["symbol"]: e for e in doc["exports"]}
assert ex["flip_func"]["type"] == "EXPORT_SYMBOL_GPL", ex["flip_func"]
assert ex["ns_func"]["namespace"] == "MINI_NS", ex["ns_func"]
assert ex["door_entry"]["owner"] == "vmlinux", ex["door_entry"]
inl = {u["function"]: u for u in doc["inline_uses"]}
assert inl["mini_plain"]["gpl_symbols"] == ["gpl_core"], inl
reach = {r["function"]: r for r in doc["reach"]["functions"]}
assert reach["interior"]["plain_path"] == ["door_entry", "interior"], reach
assert reach["interior"]["gpl_export"] == "gpl_entry", reach
PY

# Bad input: a report that is not one, a check report, a missing file.
echo '{"schema_version":2,"command":"check","findings":[]}' >check.json
for bad in /nonexistent.json check.json "$src/core.c"; do
	status=0
	"$bin" diff "$bad" new.json -r "$rules" >/dev/null 2>err.txt || status=$?
	[ "$status" = 2 ] || { echo "FAIL bad input $bad: exit $status"; fail=1; }
	grep -q "^ksymaudit: $bad: " err.txt || { echo "FAIL bad input $bad: message"; cat err.txt; fail=1; }
done
status=0
"$bin" diff old.json -r "$rules" >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || { echo "FAIL one operand: exit $status"; fail=1; }

# A problem of a side as a whole (no image, no modules) names that side,
# whether it was walked in a child process (OLD) or in the caller (NEW).
printf '0x00000000\tka_sym\tvmlinux\tEXPORT_SYMBOL\t\n' >"$tmp/sides.symvers"
"$bin" diff --old-symvers "$tmp/sides.symvers" --new-symvers "$tmp/sides.symvers" \
	-r "$rules" >/dev/null 2>"$tmp/sides.err" || true
for side in OLD NEW; do
	grep -qx "ksymaudit: $side: no kernel image and no modules: only the exports are read" "$tmp/sides.err" ||
		{ echo "FAIL the $side side's note does not name it:"; cat "$tmp/sides.err"; fail=1; }
done

[ "$fail" = 0 ] && echo "diff fixtures: all passed"
exit "$fail"
