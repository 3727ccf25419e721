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
	if ! grep -q "mod_proprietary.ko uses GPL-only symbol 'ka_gpl_func'" "$tmp/out"; then
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

# Usage errors exit 2.
for args in "check" "check --no-such-option x.ko" "check --format yaml x.ko" "check --fail-on sometimes x.ko" "no-such-command" "chec x.ko"; do
	status=0
	# shellcheck disable=SC2086
	"$bin" $args >/dev/null 2>&1 || status=$?
	[ "$status" = 2 ] || { echo "FAIL usage '$args': exit $status"; fail=1; }
done
exit $fail
