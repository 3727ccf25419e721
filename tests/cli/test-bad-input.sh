#!/bin/sh
# Bad input is normal input: each bad file gets "ksymaudit: FILE: reason",
# the other inputs are still audited, nothing crashes, the exit status is 2,
# and JSON output stays valid and complete.
# Usage: test-bad-input.sh KSYMAUDIT FIXTURES_DIR
set -eu
export LC_ALL=C
bin=$1 fx=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
d=$fx/x86_64-prel32
good=$d/mod-proprietary.ko

# expect_bad FILE REASON-REGEX [kernel args...]: FILE is reported, good is audited.
expect_bad() {
	file=$1 reason=$2
	shift 2
	status=0
	"$bin" check "$@" "$file" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
	if [ "$status" != 2 ]; then
		echo "FAIL $file: exit $status, expected 2"; cat "$tmp/err"; fail=1
	fi
	if ! grep -Eq "^ksymaudit: $(printf %s "$file" | sed 's/[.[\*^$]/\\&/g'): $reason" "$tmp/err"; then
		echo "FAIL $file: stderr does not say '$reason':"; cat "$tmp/err"; fail=1
	fi
	if ! grep -q "mod-proprietary.ko uses GPL-only symbol 'ka_gpl_func'" "$tmp/out"; then
		echo "FAIL $file: the good module was not audited"; fail=1
	fi
	# The same in JSON: valid, complete, the error inside.
	status=0
	"$bin" check "$@" -j "$file" "$good" >"$tmp/out.json" 2>"$tmp/err" || status=$?
	python3 - "$tmp/out.json" "$file" <<'PY' || { echo "FAIL $file: bad JSON report"; fail=1; }
import json, sys
doc = json.load(open(sys.argv[1]))
assert any(e["file"] == sys.argv[2] and e["fatal"] for e in doc["errors"]), doc["errors"]
assert any(f["check"] == "gpl-only-use" for f in doc["findings"])
assert doc["summary"]["errors"] >= 1
PY
	[ "$status" = 2 ] || { echo "FAIL $file (json): exit $status"; fail=1; }
}

K="--vmlinux $d/vmlinux"
# shellcheck disable=SC2086
{
expect_bad "$fx/bad/truncated.ko" "truncated ELF file" $K
expect_bad "$fx/bad/truncated-header.ko" ".*(ELF|truncated)" $K
expect_bad "$fx/bad/garbage.ko" "not an ELF file" $K
expect_bad "$fx/bad/garbage.ko.xz" "bad xz data" $K
expect_bad "$fx/bad/truncated.ko.xz" "bad xz data \(truncated\)" $K
expect_bad "$fx/bad/empty.ko" "empty file" $K
expect_bad "$tmp/missing.ko" "No such file or directory" $K
expect_bad /bin/true "not a kernel module" $K
}

# poke FILE OFFSET OCTAL-BYTES...: writes bytes into a copy (recipes that
# edit a fixture, as the fuzzer did; no binary blob is committed).
poke() {
	f=$1 off=$2
	shift 2
	for b in "$@"; do
		printf "\\$b" | dd of="$f" bs=1 seek="$off" conv=notrunc status=none
		off=$((off + 1))
	done
}
mk() { # NAME: a fresh copy of the good module's sibling
	cp "$d/mod-gpl.ko" "$tmp/$1"
	echo "$tmp/$1"
}
# e_shnum (offset 60) and e_shstrndx (62) of an Elf64_Ehdr: kmod 30 aborted
# the whole process (assertion in elf_get_section_header) on these.
# shellcheck disable=SC2086
{
f=$(mk shnum0.ko); poke "$f" 60 000 000
expect_bad "$f" "no section headers \(e_shnum is 0\)" $K
f=$(mk shstrndx0.ko); poke "$f" 62 000 000
expect_bad "$f" "bad ELF header: the section-name table \(e_shstrndx 0\)" $K
f=$(mk shstrndx-fff0.ko); poke "$f" 62 360 377
expect_bad "$f" "bad ELF header: the section-name table" $K
f=$(mk shstrndx-ffff.ko); poke "$f" 62 377 377
expect_bad "$f" "bad ELF header: the section-name table" $K
# A flipped EI_DATA said "truncated", a flipped EI_CLASS "not a kernel module".
f=$(mk eidata.ko); poke "$f" 5 002
expect_bad "$f" "bad ELF header: the byte-order byte \(EI_DATA\) says big-endian but the header reads as little-endian" $K
f=$(mk eiclass.ko); poke "$f" 4 001
expect_bad "$f" "bad ELF header: the class byte \(EI_CLASS\) says 32-bit but the header is laid out as 64-bit" $K
}

# A 1 GiB zero bomb is refused in under a second and 200 MiB (the unit
# test does xz and gzip too; zstd is the quickest to make here).
if command -v zstd >/dev/null 2>&1; then
	head -c 1G /dev/zero | zstd -q -1 -c >"$tmp/bomb.ko.zst"
	# shellcheck disable=SC2086
	expect_bad "$tmp/bomb.ko.zst" "zstd data that does not hold an ELF file" $K
	python3 - "$bin" "$tmp/bomb.ko.zst" <<'PY' || { echo "FAIL bomb: too slow or too big"; fail=1; }
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run([sys.argv[1], "check", "--symvers", "/dev/null", sys.argv[2]],
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
secs = time.monotonic() - t
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"bomb: {secs:.2f} s, {rss // 1024} MiB peak")
sys.exit(0 if secs < 1 and rss < 200 * 1024 else 1)
PY
fi

# Special files are reported and skipped wherever a file is read; nothing
# blocks (timeout 20 turns a hang into a failure).
mkfifo "$tmp/fifo.ko" "$tmp/fifo.symvers" "$tmp/fifo-vmlinux" "$tmp/fifo.waivers"
# shellcheck disable=SC2086
expect_bad "$tmp/fifo.ko" "is a FIFO \(named pipe\), not a regular file: skipped" $K
expect_bad /dev/null "is a character device, not a regular file: skipped" $K
for opt in "--vmlinux $d/vmlinux --symvers $tmp/fifo.symvers" \
	"--symvers $d/Module.symvers --vmlinux $tmp/fifo-vmlinux" \
	"--vmlinux $d/vmlinux --symvers /dev/null"; do
	status=0
	# shellcheck disable=SC2086
	timeout 20 "$bin" check $opt "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
	[ "$status" = 2 ] || { echo "FAIL '$opt': exit $status, expected 2"; cat "$tmp/err"; fail=1; }
	grep -q "not a regular file: skipped" "$tmp/err" || { echo "FAIL '$opt': not reported"; cat "$tmp/err"; fail=1; }
	grep -q "uses GPL-only symbol 'ka_gpl_func'" "$tmp/out" || { echo "FAIL '$opt': module not audited"; fail=1; }
done
# check -s /dev/null alone: reported, exit 2, and the module is still
# audited (against no exports: every import unresolved).
status=0
timeout 20 "$bin" check -s /dev/null "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 2 ] || { echo "FAIL -s /dev/null: exit $status"; fail=1; }
grep -q "^ksymaudit: /dev/null: is a character device" "$tmp/err" || { echo "FAIL -s /dev/null: not reported"; cat "$tmp/err"; fail=1; }
grep -q "mod-proprietary.ko.*\[unresolved-symbol\]" "$tmp/out" || { echo "FAIL -s /dev/null: module not audited"; cat "$tmp/out"; fail=1; }
# A waiver file and a rules list that are FIFOs or directories.
mkdir -p "$tmp/rules" "$tmp/waivers.d"
cp "$here/../../rules/headers" "$tmp/rules/"
mkdir "$tmp/rules/licenses"
# expect_unread FILE MESSAGE ARGS...: exit 2 and "ksymaudit: FILE: MESSAGE".
expect_unread() {
	file=$1 msg=$2
	shift 2
	status=0
	timeout 20 "$bin" "$@" >"$tmp/out" 2>"$tmp/err" || status=$?
	[ "$status" = 2 ] || { echo "FAIL '$*': exit $status, expected 2"; cat "$tmp/err"; fail=1; }
	grep -q "^ksymaudit: $file: $msg" "$tmp/err" || { echo "FAIL '$*': '$file: $msg' not said"; cat "$tmp/err"; fail=1; }
}
expect_unread "$tmp/fifo.waivers" "is a FIFO" tree --vmlinux "$d/vmlinux" -w "$tmp/fifo.waivers"
expect_unread "$tmp/waivers.d" "is a directory" tree --vmlinux "$d/vmlinux" -w "$tmp/waivers.d"
expect_unread "$tmp/rules/licenses" "is a directory" check --vmlinux "$d/vmlinux" -r "$tmp/rules" "$good"
mkfifo "$tmp/fifo.json"
expect_unread "$tmp/fifo.json" "baseline: is a FIFO" check --vmlinux "$d/vmlinux" --baseline "$tmp/fifo.json" "$good"
rmdir "$tmp/rules/licenses"
: >"$tmp/rules/licenses"
status=0
"$bin" check --vmlinux "$d/vmlinux" -r "$tmp/rules" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 2 ] && grep -q "^ksymaudit: $tmp/rules/licenses: no entries" "$tmp/err" ||
	{ echo "FAIL empty licenses list: exit $status"; cat "$tmp/err"; fail=1; }

# One rule for module discovery in check and tree: links to modules and to
# directories followed, a loop searched once, a FIFO reported.
mkdir -p "$tmp/tree/sub" "$tmp/elsewhere"
cp "$d/mod-gpl.ko" "$tmp/tree/"
cp "$d/mod-dual.ko" "$tmp/elsewhere/"
ln -s "$(realpath "$good")" "$tmp/tree/link.ko"
ln -s "$tmp/elsewhere" "$tmp/tree/sub/dirlink"
ln -s "$tmp/tree" "$tmp/tree/sub/loop"
mkfifo "$tmp/tree/pipe.ko"
for cmd in "check --vmlinux $d/vmlinux --fail-on never" "tree --vmlinux $d/vmlinux -m"; do
	status=0
	# shellcheck disable=SC2086
	timeout 20 "$bin" ${cmd%% *} -j ${cmd#* } "$tmp/tree" >"$tmp/out.json" 2>"$tmp/err" || status=$?
	[ "$status" = 2 ] || { echo "FAIL links ($cmd): exit $status, expected 2 (the FIFO)"; cat "$tmp/err"; fail=1; }
	python3 - "$tmp/out.json" "$tmp" <<'PY' || { echo "FAIL links ($cmd)"; cat "$tmp/err"; fail=1; }
import json, sys
doc, t = json.load(open(sys.argv[1])), sys.argv[2]
mods = sorted(i["path"] for i in doc["inputs"] if i["kind"] == "module")
want = sorted(t + p for p in ["/tree/link.ko", "/tree/mod-gpl.ko",
                              "/tree/sub/dirlink/mod-dual.ko"])
assert mods == want, mods
errs = {e["file"]: e["message"] for e in doc["errors"]}
assert "FIFO" in errs[t + "/tree/pipe.ko"], errs
assert "already searched" in errs[t + "/tree/sub/loop"], errs
PY
done

# Module.symvers: a duplicate with another type is said, with both places.
{ cat "$d/Module.symvers"; grep ka_gpl_func "$d/Module.symvers" | sed 's/EXPORT_SYMBOL_GPL/EXPORT_SYMBOL/'; } >"$tmp/dup.symvers"
n=$(wc -l <"$tmp/dup.symvers")
"$bin" check --symvers "$tmp/dup.symvers" "$good" >"$tmp/out" 2>"$tmp/err" || true
grep -q "^ksymaudit: $tmp/dup.symvers:$n: 'ka_gpl_func' is EXPORT_SYMBOL here but EXPORT_SYMBOL_GPL at $tmp/dup.symvers:[0-9]*; the first is used" "$tmp/err" ||
	{ echo "FAIL duplicate symvers line not said"; cat "$tmp/err"; fail=1; }

# A directory with an unreadable entry (a dangling link: root reads
# everything else) is searched; the entry is reported, the rest audited.
mkdir "$tmp/dir"
cp "$good" "$tmp/dir/"
ln -s "$tmp/nowhere.ko" "$tmp/dir/dangling.ko"
status=0
"$bin" check --vmlinux "$d/vmlinux" "$tmp/dir" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 2 ] || { echo "FAIL dir: exit $status"; fail=1; }
grep -q "^ksymaudit: $tmp/dir/dangling.ko: No such file or directory" "$tmp/err" ||
	{ echo "FAIL dir: dangling entry not reported"; cat "$tmp/err"; fail=1; }
grep -q "uses GPL-only symbol 'ka_gpl_func'" "$tmp/out" || { echo "FAIL dir: module not audited"; fail=1; }

# Bad Module.symvers: empty is fatal; malformed lines are reported with
# file:line and skipped, the good lines still used.
: >"$tmp/empty.symvers"
status=0
"$bin" check --symvers "$tmp/empty.symvers" --symvers "$d/Module.symvers" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 2 ] || { echo "FAIL empty symvers: exit $status"; fail=1; }
grep -q "^ksymaudit: $tmp/empty.symvers: empty Module.symvers" "$tmp/err" || { echo "FAIL empty symvers msg"; cat "$tmp/err"; fail=1; }
grep -q "ka_gpl_func" "$tmp/out" || { echo "FAIL empty symvers: module not audited"; fail=1; }
{ echo "this line is broken"; cat "$d/Module.symvers"; } >"$tmp/bad.symvers"
status=0
"$bin" check --symvers "$tmp/bad.symvers" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
grep -q "^ksymaudit: $tmp/bad.symvers:1: malformed line" "$tmp/err" || { echo "FAIL malformed symvers msg"; cat "$tmp/err"; fail=1; }
[ "$status" = 1 ] || { echo "FAIL malformed symvers: exit $status, expected 1 (findings; line skipped)"; fail=1; }

# The vmlinux Debian's linux-headers packages ship (6.12+): BTF for
# building modules, no code and no export table. Beside a Module.symvers
# (-k DIR) it is skipped without a word; given as the kernel image it is an
# input error that says what it is. Made here with objcopy from an empty
# object: .text removed, an allocated .BTF added.
mkdir "$tmp/hdrs"
printf 'not really BTF' >"$tmp/btf.bin"
printf '' | ${CC:-cc} -x c -c - -o "$tmp/empty.o"
objcopy --remove-section .text --add-section .BTF="$tmp/btf.bin" \
	--set-section-flags .BTF=alloc,readonly "$tmp/empty.o" "$tmp/hdrs/vmlinux"
cp "$d/Module.symvers" "$tmp/hdrs/"
status=0
"$bin" check -k "$tmp/hdrs" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 1 ] || { echo "FAIL BTF-only vmlinux beside Module.symvers: exit $status, expected 1"; cat "$tmp/err"; fail=1; }
! grep -q vmlinux "$tmp/err" || { echo "FAIL BTF-only vmlinux beside Module.symvers: a message"; cat "$tmp/err"; fail=1; }
grep -q "uses GPL-only symbol 'ka_gpl_func'" "$tmp/out" || { echo "FAIL BTF-only vmlinux: module not audited"; fail=1; }
status=0
"$bin" check --vmlinux "$tmp/hdrs/vmlinux" "$good" >"$tmp/out" 2>"$tmp/err" || status=$?
[ "$status" = 2 ] || { echo "FAIL --vmlinux BTF-only: exit $status, expected 2"; fail=1; }
grep -q "^ksymaudit: $tmp/hdrs/vmlinux: only BTF, no code" "$tmp/err" ||
	{ echo "FAIL --vmlinux BTF-only: message"; cat "$tmp/err"; fail=1; }

# Usage errors exit 2.
for args in "check" "check --no-such-option x.ko" "check --format yaml x.ko" "check --fail-on sometimes x.ko" "no-such-command" "chec x.ko"; do
	status=0
	# shellcheck disable=SC2086
	"$bin" $args >/dev/null 2>&1 || status=$?
	[ "$status" = 2 ] || { echo "FAIL usage '$args': exit $status"; fail=1; }
done
exit $fail
