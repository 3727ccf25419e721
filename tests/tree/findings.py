#!/usr/bin/env python3
"""Prints the findings of a ksymaudit JSON report in report order, one per
line: CHECK SEVERITY MODULE SYMBOL FILE:LINE [count=N] [waived] [path=A>B]
(file paths of temporary directories cut to their base name)."""
import json
import os
import sys

doc = json.load(sys.stdin)
assert doc["schema_version"] == 2, doc.get("schema_version")
for f in doc["findings"]:
    where = f.get("file") or "-"
    if where.startswith("/"):
        where = os.path.basename(where)
    if f.get("line"):
        where += ":%d" % f["line"]
    row = [f["check"], f["severity"], f.get("module") or "-",
           f.get("symbol") or "-", where]
    if f.get("count"):
        row.append("count=%d" % f["count"])
    if f.get("waived"):
        row.append("waived")
    if f.get("path"):
        row.append("path=" + ">".join("%s(%s)" % (p["symbol"], p["kind"])
                                      for p in f["path"]))
    print(" ".join(row))
