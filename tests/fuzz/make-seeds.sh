#!/bin/sh
# Seed corpora for the fuzz targets, made from the test fixtures (built at
# test time, never committed) and the shipped rules.
# Usage: make-seeds.sh FIXTURES EXPLAIN_WORK SOURCE_ROOT OUTDIR STAMP KSYMAUDIT
set -eu
fx=$1 ex=$2 root=$3 out=$4 stamp=$5 ksymaudit=$6
rm -rf "$out"
mkdir -p "$out"
for t in elf exports modinfo imports dwarf symvers rules waivers baseline report cache decode; do
	mkdir -p "$out/$t"
done
n=0
add() { # target file
	[ -f "$2" ] || return 0
	n=$((n + 1))
	cp "$2" "$out/$1/$n-$(basename "$2")"
}

# ELF inputs of every machine, class, byte order and export layout.
for f in "$fx"/*/*.ko "$fx"/*/*.o "$fx"/*/vmlinux "$fx"/*/vmlinux.stripped \
	"$fx"/bad/*; do
	case $f in *.mod.o) continue ;; esac
	for t in elf exports modinfo imports; do
		add $t "$f"
	done
done
# 7.x: per-symbol ___ksymtab+SYM / ___kflagstab+SYM as modpost generates.
for f in "$fx"/*-kflags/*.mod.o "$fx"/*-kflags/vmlinux.export.o; do
	add exports "$f"
done
for f in "$fx"/x86_64-prel32/*.ko.xz "$fx"/x86_64-prel32/*.ko.zst \
	"$fx"/x86_64-prel32/*.ko.gz "$ex"/xz/foo.ko.xz; do
	add elf "$f"
done
# Linked images, with and without relocations, for the decoder.
for f in "$fx"/*/vmlinux "$fx"/*/vmlinux.stripped; do
	add decode "$f"
done
# Objects with DWARF and header inline chains (DWARF 4 and 5, .zdebug,
# i686), and the fixtures' own modules.
for f in "$ex"/foo.ko "$ex"/foo.o "$ex"/foo-dwarf4.o "$ex"/foo-zdebug.o \
	"$ex"/foo-i686.o "$ex"/gpl.o "$fx"/x86_64-prel32/mod-proprietary.o \
	"$fx"/aarch64-prel32/mod-gpl.o "$fx"/ppc64-abs2/mod-gpl.o; do
	add dwarf "$f"
done

# Module.symvers of every era (one file per layout) and the fixtures'.
for f in "$fx"/*/Module.symvers "$ex"/symvers.txt; do
	add symvers "$f"
done
printf '0x12345678\tfoo\tvmlinux\n' >"$out/symvers/era-2.6.17"
printf '0x12345678\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\n0x0\tbar\tdrivers/x/y\tEXPORT_UNUSED_SYMBOL\n' >"$out/symvers/era-5.3"
printf '0x12345678\tfoo\tNS\tvmlinux\tEXPORT_SYMBOL_GPL\n0x1\tbar\t\tvmlinux\tEXPORT_SYMBOL\n' >"$out/symvers/era-5.4"
printf '0x12345678\tfoo\tvmlinux\tEXPORT_SYMBOL_GPL\tNS\n0x1\tfoo\tvmlinux\tEXPORT_SYMBOL\t\n' >"$out/symvers/era-5.6-dup"

# Rules: "licenses" first line, header globs after (see fuzz-rules.c).
{ head -n 1 "$root/rules/licenses" 2>/dev/null || echo GPL; cat "$root/rules/headers"; } \
	>"$out/rules/shipped"
printf 'GPL\ninclude/*\narch/*/include/*\n  # comment\n\n*.h\n' >"$out/rules/small"
for f in "$root"/rules/waivers*; do
	add waivers "$f"
done
printf 'inline-exposure apic_read where=arch/* reason="reviewed"\nbad line\n' >"$out/waivers/small"
# Baselines: JSON reports of the fixture modules, written by this build.
if [ -x "$ksymaudit" ]; then
	d=$fx/x86_64-prel32
	for m in mod-proprietary mod-gpl mod-user; do
		"$ksymaudit" check -j --vmlinux "$d/vmlinux" "$d/$m.ko" \
			>"$out/baseline/$m.json" 2>/dev/null || true
	done
	"$ksymaudit" check -p --vmlinux "$d/vmlinux" "$d/mod-proprietary.ko" \
		"$fx/bad/garbage.ko" >"$out/baseline/pretty.json" 2>/dev/null || true
fi
printf '{"schema_version":1,"command":"check","findings":[]}\n' >"$out/baseline/small.json"
# Reports for diff: tree -j of the fixtures' kernel, and tests/diff's.
if [ -x "$ksymaudit" ]; then
	d=$fx/x86_64-prel32
	"$ksymaudit" tree -j --vmlinux "$d/vmlinux" -s "$d/Module.symvers" -m "$d" \
		>"$out/report/tree-fixtures.json" 2>/dev/null || true
fi
for f in "$root"/tests/diff/*.json; do
	add report "$f"
done
# Fact-cache payloads: the entries tree -j and explain write for the
# fixtures' kernel, without their header (fuzz-cache.c puts a valid one
# around each input; the whole entries are seeds too).
if [ -x "$ksymaudit" ]; then
	d=$fx/x86_64-prel32
	c=$out/cache.tmp
	"$ksymaudit" tree -j --cache-dir "$c" --vmlinux "$d/vmlinux" \
		-s "$d/Module.symvers" -m "$d" >/dev/null 2>&1 || true
	"$ksymaudit" explain --cache-dir "$c" --vmlinux "$d/vmlinux" \
		-s "$d/Module.symvers" -m "$d" gpl_func >/dev/null 2>&1 || true
	for f in "$c"/*; do
		[ -f "$f" ] || continue
		add cache "$f"
		python3 -c '
import struct, sys
b = open(sys.argv[1], "rb").read()
n = struct.unpack_from("<I", b, 20)[0]          # tool string length
off = 24 + n + 16 + 16                           # key, length, checksum
open(sys.argv[2], "wb").write(b[off:])' "$f" "$out/cache/payload-$(basename "$f")"
	done
	rm -rf "$c"
fi
date -u +%s >"$stamp"
