#!/usr/bin/env python3
"""Prints the findings of a ksymaudit JSON report, one per line, as
CHECK SEVERITY MODULE SYMBOL (sorted), for comparison with expected files.
Fails if the input is not valid JSON of schema 1."""
import json
import sys

doc = json.load(sys.stdin)
assert doc["schema_version"] == 2, doc.get("schema_version")
rows = sorted("%s %s %s %s" % (f["check"], f["severity"], f["module"] or "-",
                               f["symbol"] or "-") for f in doc["findings"])
for r in rows:
    print(r)
