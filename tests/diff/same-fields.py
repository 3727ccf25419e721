#!/usr/bin/env python3
"""Checks that diff's findings of the checks tree runs (inline-exposure,
export-wrapper) carry the same fields as tree's, value by value: each is
looked up by fingerprint in the `tree -j` report of its side (OLD for
gone findings, NEW for the others). diff may add only "change" (and
"old"/"new"), append "GPL-only in NEW only: …; in OLD only: …" (what the
GPL-only symbols gained and lost) and "in OLD: …" to a changed finding's
note, and make a gone finding a note.
Usage: same-fields.py OLD_TREE.json NEW_TREE.json DIFF.json"""
import json
import sys

CHECKS = ("inline-exposure", "export-wrapper")
old, new, diff = (json.load(open(p)) for p in sys.argv[1:4])


def by_fp(doc):
    m = {}
    for f in doc["findings"]:
        m.setdefault(f["fingerprint"], []).append(f)
    return m


sides = {"old": by_fp(old), "new": by_fp(new)}
bad = []
seen = {c: 0 for c in CHECKS}
for f in diff["findings"]:
    if f["check"] not in CHECKS:
        continue
    seen[f["check"]] += 1
    side = "old" if f.get("change") == "gone" else "new"
    cands = sides[side].get(f["fingerprint"], [])
    if not cands:
        bad.append("%s %s: no tree finding with fingerprint %s in %s"
                   % (f["check"], f.get("symbol"), f["fingerprint"], side))
        continue
    # Repeated identities: the one with the same message, else the first.
    t = next((c for c in cands if c["message"] == f["message"]), cands[0])
    extra = set(f) - set(t) - {"change", "old", "new", "note"}
    missing = set(t) - set(f)
    if extra or missing:
        bad.append("%s %s: keys only in diff %s, only in tree %s"
                   % (f["check"], f.get("symbol"), sorted(extra),
                      sorted(missing)))
    for k in sorted(set(t) & set(f)):
        a, b = t[k], f[k]
        if k == "note" and f.get("change") == "changed":
            added = b[len(a) + 2:] if a and b.startswith(a + "; ") else \
                (b if not a else None)
            if added is not None and added.startswith("GPL-only "):
                added = added.split("; in OLD: ", 1)
                added = "in OLD: " + added[1] if len(added) == 2 else None
            ok = b == a or added is not None and added.startswith("in OLD: ")
        elif k == "severity" and f.get("change") == "gone":
            ok = b == "note"
        else:
            ok = a == b
        if not ok:
            bad.append("%s %s: '%s' differs: tree %r, diff %r"
                       % (f["check"], f.get("symbol"), k, a, b))
for c, n in seen.items():
    if n == 0:
        bad.append("no %s finding in the diff report to compare" % c)
for b in bad:
    print("FAIL same fields: " + b)
sys.exit(1 if bad else 0)
