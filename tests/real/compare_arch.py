#!/usr/bin/env python3
"""Compares `ksymaudit check --license Proprietary -j` over a module tree
with what undefined_symbols.py (no libelf) and Module.symvers say, module
by module: every module read; gpl-only-use = its imports that Module.symvers
lists as EXPORT_SYMBOL_GPL; unresolved-symbol = its non-weak imports that
Module.symvers does not list.

Usage: compare_arch.py REPORT.json Module.symvers MODULE-DIR
"""
import json
import os
import sys

from undefined_symbols import undefined

SUFFIXES = (".ko", ".ko.xz", ".ko.gz", ".ko.zst")


def main():
    report, symvers, moddir = sys.argv[1:4]
    gpl, known = set(), set()
    with open(symvers) as f:
        for line in f:
            fld = line.rstrip("\n").split("\t")
            known.add(fld[1])
            if "EXPORT_SYMBOL_GPL" in fld[3:5]:
                gpl.add(fld[1])
    files = sorted(os.path.join(d, n) for d, _, ns in os.walk(moddir)
                   for n in ns if n.endswith(SUFFIXES))
    want = {"gpl-only-use": set(), "unresolved-symbol": set()}
    for p in files:
        for s, weak in undefined(p):
            if s in gpl:
                want["gpl-only-use"].add((p, s))
            if s not in known and not weak:
                want["unresolved-symbol"].add((p, s))
    doc = json.load(open(report))
    got = {k: set() for k in want}
    for f in doc["findings"]:
        if f["check"] in got:
            got[f["check"]].add((f["file"], f["symbol"]))
    bad = [i for i in doc["inputs"] if i["kind"] == "module" and i["status"] != "ok"]
    read = {i["path"] for i in doc["inputs"] if i["kind"] == "module"}
    fail = False
    if bad or read != set(files):
        print(f"FAIL: {len(bad)} modules unreadable, {len(set(files) - read)} not read:",
              bad[:5], sorted(set(files) - read)[:5])
        fail = True
    for k in want:
        extra, missing = got[k] - want[k], want[k] - got[k]
        print(f"{k}: {len(got[k])} reported, {len(want[k])} expected, "
              f"{len(extra)} extra, {len(missing)} missing")
        for p, s in sorted(extra)[:10]:
            print(f"  extra   {os.path.relpath(p, moddir)} {s}")
        for p, s in sorted(missing)[:10]:
            print(f"  missing {os.path.relpath(p, moddir)} {s}")
        fail |= bool(extra or missing)
    print(f"{len(files)} modules")
    sys.exit(1 if fail else 0)


if __name__ == "__main__":
    main()
