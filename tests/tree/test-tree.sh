#!/bin/sh
# ksymaudit tree and explain on a mini kernel compiled here: a vmlinux
# linked with --emit-relocs from core.c and user.c, and two modules, all
# with header inlines from include/linux/mini.h. Exact findings for each
# check, for waivers (one unused), the depth bound and explain.
# Usage: test-tree.sh KSYMAUDIT SRC_DIR FIXTURE_SRC_DIR RULES_DIR
set -eu
export LC_ALL=C
bin=$(realpath "$1") src=$(realpath "$2") fxsrc=$(realpath "$3") rules=$(realpath "$4")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
fail=0

# shellcheck source=mini-kernel.sh
. "$(dirname "$0")/mini-kernel.sh"
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
	[ "$status" = "$want" ] || { echo "FAIL $name: exit $status, expected $want"; fail=1; }
}

kernel="--vmlinux vmlinux -m mods --debug-root /nonexistent"
# shellcheck disable=SC2086
run tree 0 tree $kernel
# shellcheck disable=SC2086
run tree-depth4 1 tree $kernel --max-depth 4 --fail-on warning
# shellcheck disable=SC2086
run tree-waivers 1 tree $kernel -w "$src/waivers" --fail-on warning
# Waived findings do not fail the run: only waived and waiver-unused ones.
printf 'export-wrapper * reason="all reviewed"\ninline-exposure * where=include/* reason="all reviewed"\n' >all.waivers
# shellcheck disable=SC2086
run tree-allwaived 0 tree $kernel -w all.waivers --fail-on warning
# export-mismatch: a license that differs from the ELF table, and a
# symbol exported by two owners.
printf '0x00000000\tplain_func\tvmlinux\tEXPORT_SYMBOL_GPL\t\n0x00000000\twrapper_direct\tvmlinux\tEXPORT_SYMBOL\t\n0x00000000\twrapper_direct\tmod-b\tEXPORT_SYMBOL\t\n' >Module.symvers
# shellcheck disable=SC2086
run tree-mismatch 1 tree $kernel -s Module.symvers --fail-on error
# shellcheck disable=SC2086
run explain 0 explain $kernel gpl_core

# A vmlinux linked without --emit-relocs (Debian 13's debug image): the
# calls to GPL-only exports are decoded from the code, so mini_get's
# instance in core_user() is still seen.
ld -e 0 -T "$fxsrc/vmlinux.lds" -o vmlinux.norel core.o user.o
"$bin" tree --vmlinux vmlinux.norel -r "$rules" -j >norel.json 2>norel.err || true
python3 "$here/findings.py" <norel.json >norel.txt
grep -q "^inline-exposure warning - mini_get include/linux/mini.h:10 count=1$" norel.txt ||
	{ echo "FAIL norel: mini_get not found through decoded calls"; cat norel.txt norel.err; fail=1; }

# Without debug info the graph still stands; inlines need DWARF.
strip -g -o vmlinux.nodebug vmlinux
status=0
"$bin" tree --vmlinux vmlinux.nodebug -r "$rules" -j >nodebug.json 2>nodebug.err || status=$?
python3 "$here/findings.py" <nodebug.json >nodebug.txt
grep -q "^export-wrapper warning vmlinux wrapper_data" nodebug.txt ||
	{ echo "FAIL nodebug: wrapper_data missing"; cat nodebug.txt; fail=1; }
if grep -q "^inline-exposure" nodebug.txt; then
	echo "FAIL nodebug: inline-exposure without DWARF"; fail=1
fi

# A stripped module finds its DWARF in Debian's layout under --debug-root.
mkdir -p root/lib/modules/1.0/kernel dbg/lib/modules/1.0/kernel
strip -g -o root/lib/modules/1.0/kernel/mod-a.ko mods/mod-a.ko
cp mods/mod-a.ko dbg/lib/modules/1.0/kernel/mod-a.ko
"$bin" tree --vmlinux vmlinux -m root --debug-root "$tmp/dbg" -r "$rules" -j \
	>split.json 2>split.err || true
python3 "$here/findings.py" <split.json >split.txt
grep -q "^inline-exposure warning - mini_get include/linux/mini.h:10 count=2$" split.txt ||
	{ echo "FAIL split debug info: mini_get instance in mod-a not found"; cat split.txt split.err; fail=1; }
"$bin" tree --vmlinux vmlinux -m root --debug-root /nonexistent -r "$rules" -j \
	>nodbg.json 2>nodbg.err || true
python3 "$here/findings.py" <nodbg.json >nodbg.txt
grep -q "^inline-exposure warning - mini_get include/linux/mini.h:10 count=1$" nodbg.txt ||
	{ echo "FAIL stripped module without debug root"; cat nodbg.txt; fail=1; }

# Layout does not choose the path: tests/tree/src/paths.c built with its
# calls and definitions in one order and in the other names the same path
# (the least by name of the shortest) and the same target (the nearest,
# first by name) in both.
for v in one swap; do
	def=
	[ "$v" = swap ] && def=-DKA_SWAP
	# shellcheck disable=SC2086
	(cd "$src" && gcc $cflags $def -c paths.c -o "$tmp/paths-$v.o")
	ld --emit-relocs -e 0 -T "$fxsrc/vmlinux.lds" -o "$tmp/paths-$v" "$tmp/paths-$v.o"
	"$bin" tree --vmlinux "$tmp/paths-$v" --debug-root /nonexistent -r "$rules" -j \
		>"paths-$v.json" 2>"paths-$v.err" || true
	python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["check"] == "export-wrapper":
        print(f["message"])' <"paths-$v.json" | sort >"paths-$v.txt"
done
cat >paths-want.txt <<'WANT'
EXPORT_SYMBOL 'through_static' reaches GPL-only 'gpl_b' through unexported code: through_static -> s_mid (call) -> gpl_b (call)
EXPORT_SYMBOL 'two_targets' reaches GPL-only 'gpl_a' directly: two_targets -> gpl_a (call)
EXPORT_SYMBOL 'two_ways' reaches GPL-only 'gpl_a' through unexported code: two_ways -> a_mid (call) -> gpl_a (call)
WANT
for v in one swap; do
	diff -u paths-want.txt "paths-$v.txt" || { echo "FAIL paths ($v): the layout chose the path"; cat "paths-$v.err"; fail=1; }
done
# The same as an arm64 relocatable object (a vmlinux.o), whose calls to
# s_mid the assembler resolved without a relocation: found at the DWARF
# call site in the code.
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	# shellcheck disable=SC2086
	(cd "$src" && aarch64-linux-gnu-gcc $cflags -c paths.c -o "$tmp/paths-arm64.o")
	if aarch64-linux-gnu-readelf -rW "$tmp/paths-arm64.o" | grep -q 's_mid'; then
		echo "FAIL paths (arm64): the call to s_mid has a relocation; the case is not tested"; fail=1
	fi
	"$bin" tree --vmlinux "$tmp/paths-arm64.o" --debug-root /nonexistent -r "$rules" -j \
		>paths-arm64.json 2>paths-arm64.err || true
	python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["check"] == "export-wrapper":
        print(f["message"])' <paths-arm64.json | sort >paths-arm64.txt
	diff -u paths-want.txt paths-arm64.txt || { echo "FAIL paths (arm64 relocatable)"; cat paths-arm64.err; fail=1; }
else
	echo "SKIP paths (arm64): no aarch64-linux-gnu-gcc"
fi

# The same mini kernel built by clang: clang's DWARF marks every inlined
# function DW_INL_inlined, never "declared inline", yet the header inlines
# are found: mini_get and mini_put_inner, never mini_plain or mini_add
# (whose argument is the caller's). mini_put may go: clang 14 folds its
# read of gpl_counter into core_user's add and drops the inline scope.
if command -v clang >/dev/null; then
	mk_cc=clang mk_out=$tmp/clang
	# shellcheck source=mini-kernel.sh
	. "$(dirname "$0")/mini-kernel.sh"
	"$bin" tree --vmlinux "$tmp/clang/vmlinux" -m "$tmp/clang/mods" --debug-root /nonexistent \
		-r "$rules" -j >clang.json 2>clang.err || true
	python3 -c '
import json, sys
print("\n".join(sorted({f["symbol"] for f in json.load(sys.stdin)["findings"]
                        if f["check"] == "inline-exposure"})))' <clang.json >clang.txt
	grep -qx mini_get clang.txt && grep -qx mini_put_inner clang.txt &&
		! grep -qx 'mini_plain\|mini_add' clang.txt ||
		{ echo "FAIL clang-built mini kernel: header inlines:"; cat clang.txt clang.err; fail=1; }
	unset mk_cc mk_out
else
	echo "SKIP clang-built mini kernel: no clang"
fi

# Bad input: a missing image is an input error (exit 2), and so is a
# malformed waiver's file missing.
status=0
"$bin" tree --vmlinux "$tmp/missing" -r "$rules" >/dev/null 2>err.txt || status=$?
[ "$status" = 2 ] || { echo "FAIL missing vmlinux: exit $status"; fail=1; }
grep -q "ksymaudit: .*missing" err.txt || { echo "FAIL missing vmlinux message"; cat err.txt; fail=1; }
status=0
"$bin" explain -r "$rules" >/dev/null 2>&1 || status=$?
[ "$status" = 2 ] || { echo "FAIL explain without symbol: exit $status"; fail=1; }

[ "$fail" = 0 ] && echo "tree fixtures: all passed"
exit "$fail"
