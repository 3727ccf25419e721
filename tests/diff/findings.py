#!/usr/bin/env python3
"""Prints the findings of a ksymaudit diff JSON report, one per line:
CHECK SEVERITY CHANGE MODULE SYMBOL [old=… new=…] [path=A>B] [count=N]
(paths of files cut to their base name)."""
import json
import sys

doc = json.load(sys.stdin)
assert doc["schema_version"] == 2, doc.get("schema_version")
for f in doc["findings"]:
    row = [f["check"], f["severity"], f.get("change") or "-",
           f.get("module") or "-", f.get("symbol") or "-"]
    if "old" in f:
        row.append("old=%s" % (f["old"] or "-"))
        row.append("new=%s" % (f["new"] or "-"))
    if f.get("path"):
        row.append("path=" + ">".join(p["symbol"] for p in f["path"]))
    if f.get("count"):
        row.append("count=%d" % f["count"])
    if f.get("waived"):
        row.append("waived")
    print(" ".join(row).replace(" in namespace ", ":"))
