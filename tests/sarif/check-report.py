#!/usr/bin/env python3
"""Checks a ksymaudit report for a code-scanning service.

  check-report.py sarif FILE [--schema SCHEMA] [--relative]
      FILE against the SARIF 2.1.0 JSON schema (when SCHEMA is given) and
      against what GitHub code scanning documents for uploads: rules with
      full descriptions and help, a physical location with a URI and a start
      line for every result, partialFingerprints, relative URIs with a
      uriBaseId and no "." or ".." steps, no binary file as the location
      when a site has a source line, results on one line told apart, and
      GitHub's limits. --relative: every result's URI must be relative.
  check-report.py codequality FILE
      FILE as GitLab's Code Quality report: an array of issues with
      description, check_name, unique fingerprint, severity, location.path
      (relative) and location.lines.begin.

Prints one line per problem and exits 1 when there is one."""
import json
import re
import sys
from urllib.parse import urlsplit

problems = []


def problem(where, msg):
    problems.append("%s: %s" % (where, msg))


BINARY = re.compile(r"(^|/)vmlinux[^/]*$|\.(ko|o|a|debug|ko\.xz|ko\.zst|ko\.gz)$")


def is_binary(uri):
    return bool(BINARY.search(uri))


def check_uri(where, art, bases, relative_only):
    uri = art.get("uri")
    if not isinstance(uri, str) or not uri:
        problem(where, "artifactLocation has no uri")
        return None
    parts = urlsplit(uri)
    if parts.scheme:
        if parts.scheme != "file":
            problem(where, "URI %r is neither relative nor file:" % uri)
        if relative_only:
            problem(where, "URI %r is not relative to the repository" % uri)
        path = parts.path
    else:
        if "uriBaseId" not in art:
            problem(where, "relative URI %r has no uriBaseId" % uri)
        elif art["uriBaseId"] not in bases:
            problem(where, "uriBaseId %r is not in originalUriBaseIds"
                    % art["uriBaseId"])
        if uri.startswith("/"):
            problem(where, "relative URI %r starts with /" % uri)
        path = uri
    segs = path.split("/")[1:] if path.startswith("/") else path.split("/")
    if any(s in (".", "..", "") for s in segs):
        problem(where, "URI %r has '.', '..' or empty steps" % uri)
    return uri


def physical(where, loc, bases, relative_only, need_line):
    phys = loc.get("physicalLocation")
    if not isinstance(phys, dict):
        problem(where, "no physicalLocation")
        return None, None
    uri = check_uri(where, phys.get("artifactLocation") or {}, bases,
                    relative_only)
    region = phys.get("region")
    line = region.get("startLine") if isinstance(region, dict) else None
    if uri and need_line and not is_binary(uri) and not line:
        problem(where, "source location %r has no region.startLine" % uri)
    return uri, line


def check_sarif(doc, schema, relative_only):
    if schema is not None:
        import jsonschema
        cls = jsonschema.validators.validator_for(schema)
        for e in sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path)):
            problem("schema", "%s at /%s" % (e.message[:200],
                                             "/".join(map(str, e.path))))
    if doc.get("version") != "2.1.0":
        problem("log", "version is not 2.1.0")
    runs = doc.get("runs") or []
    if not 1 <= len(runs) <= 20:
        problem("log", "%d runs (GitHub: 1 to 20)" % len(runs))
    for ri, run in enumerate(runs):
        rules = run["tool"]["driver"].get("rules", [])
        bases = run.get("originalUriBaseIds", {})
        results = run.get("results", [])
        if len(results) > 25000 or len(rules) > 25000:
            problem("run %d" % ri, "over GitHub's 25000 results or rules")
        ids = []
        for k, rule in enumerate(rules):
            w = "rules[%d]" % k
            ids.append(rule.get("id"))
            for key in ("shortDescription", "fullDescription", "help"):
                if not (rule.get(key) or {}).get("text"):
                    problem(w, "no %s.text" % key)
        seen = {}
        for k, res in enumerate(results):
            w = "results[%d]" % k
            if res.get("ruleId") not in ids:
                problem(w, "ruleId %r is not a rule" % res.get("ruleId"))
            elif res.get("ruleIndex") is not None and \
                    ids[res["ruleIndex"]] != res["ruleId"]:
                problem(w, "ruleIndex does not name ruleId")
            msg = (res.get("message") or {}).get("text")
            if not msg:
                problem(w, "no message.text")
            locs = res.get("locations") or []
            if not locs:
                problem(w, "no locations")
                continue
            uri, line = physical(w + ".locations[0]", locs[0], bases,
                                 relative_only, True)
            pf = res.get("partialFingerprints")
            if not isinstance(pf, dict) or not pf or \
                    not all(isinstance(v, str) and v for v in pf.values()):
                problem(w, "no partialFingerprints")
                pf = {}
            if res.get("baselineState", "new") not in \
                    ("new", "unchanged", "updated", "absent"):
                problem(w, "bad baselineState %r" % res["baselineState"])
            rel = res.get("relatedLocations") or []
            if len(rel) > 1000:
                problem(w, "%d relatedLocations (GitHub: 1000)" % len(rel))
            site_line = False
            for j, loc in enumerate(rel):
                if "physicalLocation" in loc:
                    u, l = physical("%s.relatedLocations[%d]" % (w, j), loc,
                                    bases, False, False)
                    site_line |= bool(u and l and not is_binary(u))
            if uri and is_binary(uri) and site_line:
                problem(w, "binary %r as the location though a site has a "
                        "source line" % uri)
            nflow = 0
            for cf in res.get("codeFlows") or []:
                for tf in cf.get("threadFlows") or []:
                    for j, tfl in enumerate(tf.get("locations") or []):
                        nflow += 1
                        if "index" in tfl:
                            problem(w, "threadFlowLocation by index")
                        loc = tfl.get("location") or {}
                        if "physicalLocation" in loc:
                            physical(w + ".codeFlows", loc, bases, False, False)
            if nflow > 10000:
                problem(w, "%d thread flow locations (GitHub: 10000)" % nflow)
            key = (res.get("ruleId"), uri, line)
            for other in seen.get(key, []):
                if other[0] == msg:
                    problem(w, "same rule, line and message as results[%d]"
                            % other[2])
                if other[1] == pf:
                    problem(w, "same rule, line and partialFingerprints as "
                            "results[%d]" % other[2])
            seen.setdefault(key, []).append((msg, pf, k))


def check_codequality(doc):
    if not isinstance(doc, list):
        problem("report", "not a JSON array")
        return
    fps = set()
    for k, i in enumerate(doc):
        w = "issues[%d]" % k
        for key in ("description", "check_name", "fingerprint", "severity"):
            if not isinstance(i.get(key), str) or not i[key]:
                problem(w, "no string %s" % key)
        if i.get("severity") not in ("info", "minor", "major", "critical",
                                     "blocker"):
            problem(w, "bad severity %r" % i.get("severity"))
        if i.get("fingerprint") in fps:
            problem(w, "fingerprint %r twice" % i.get("fingerprint"))
        fps.add(i.get("fingerprint"))
        loc = i.get("location") or {}
        path = loc.get("path")
        if not isinstance(path, str) or not path or path.startswith("/"):
            problem(w, "location.path %r is not a relative path" % path)
        elif any(s in (".", "..", "") for s in path.split("/")):
            problem(w, "location.path %r has '.', '..' or empty steps" % path)
        begin = (loc.get("lines") or {}).get("begin")
        if not isinstance(begin, int) or begin < 1:
            problem(w, "location.lines.begin %r is not a line" % begin)


def main(argv):
    if len(argv) < 3 or argv[1] not in ("sarif", "codequality"):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[2], encoding="utf-8") as f:
        doc = json.load(f)
    if argv[1] == "sarif":
        schema = None
        if "--schema" in argv:
            with open(argv[argv.index("--schema") + 1], encoding="utf-8") as f:
                schema = json.load(f)
        check_sarif(doc, schema, "--relative" in argv)
    else:
        check_codequality(doc)
    for p in problems[:50]:
        print("%s: %s" % (argv[2], p))
    if len(problems) > 50:
        print("%s: ... %d problems in all" % (argv[2], len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
