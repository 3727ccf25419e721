#!/usr/bin/env python3
"""The CI recipes of examples/ci stay runnable: each workflow file parses as
YAML with the structure its service reads, every shell step parses (bash -n),
and every ksymaudit command and option they use is in that command's --help.
A command not yet in this build (PENDING, being written elsewhere) is named
and skipped; once it exists its options are checked like the others.
Skips without PyYAML (77), fails instead under KSYMAUDIT_REQUIRE_REAL=1.
Usage: test-ci-recipes.py KSYMAUDIT EXAMPLES_CI_DIR"""
import glob
import os
import re
import shlex
import subprocess
import sys

# `ksymaudit diff` is built on branch diff (issue 9); the recipes use its
# documented interface: diff [--fail-on LEVEL] [-f FORMAT] OLD NEW.
PENDING = {"diff"}

try:
    import yaml
except ImportError:
    if os.environ.get("KSYMAUDIT_REQUIRE_REAL") == "1":
        print("FAIL (KSYMAUDIT_REQUIRE_REAL=1): no PyYAML (python3-yaml)")
        sys.exit(1)
    print("SKIP: no PyYAML (apt-get install python3-yaml)")
    sys.exit(77)

binary, folder = sys.argv[1], sys.argv[2]
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL " + msg)


def help_of(cmd):
    args = [binary] + ([cmd] if cmd else []) + ["--help"]
    p = subprocess.run(args, capture_output=True, text=True)
    return p.stdout if p.returncode == 0 else None


top_help = help_of(None)
commands = set(re.findall(r"^  ([a-z]+) ", top_help, re.M))


def shell_blocks_github(doc, name):
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        fail("%s: no jobs" % name)
        return []
    # PyYAML reads the key `on` as True.
    if "on" not in doc and True not in doc:
        fail("%s: no 'on' trigger" % name)
    blocks = []
    for jname, job in jobs.items():
        if "runs-on" not in job:
            fail("%s: job %s has no runs-on" % (name, jname))
        for k, step in enumerate(job.get("steps") or []):
            if not ("run" in step or "uses" in step):
                fail("%s: %s step %d has neither run nor uses" % (name, jname, k))
            if "run" in step:
                blocks.append(("%s %s step %d" % (name, jname, k), step["run"]))
    uses = [s.get("uses", "") for j in jobs.values() for s in j.get("steps") or []]
    if not any(u.startswith("github/codeql-action/upload-sarif@") for u in uses):
        fail("%s: no SARIF upload" % name)
    return blocks


def shell_blocks_gitlab(doc, name):
    blocks = []
    jobs = {k: v for k, v in doc.items()
            if isinstance(v, dict) and "script" in v}
    if not jobs:
        fail("%s: no job with a script" % name)
    for jname, job in jobs.items():
        script = job["script"]
        if isinstance(script, str):
            script = [script]
        for k, line in enumerate(script):
            blocks.append(("%s %s script %d" % (name, jname, k), line))
        reports = (job.get("artifacts") or {}).get("reports") or {}
        if "codequality" not in reports:
            fail("%s: job %s has no artifacts:reports:codequality" % (name, jname))
    return blocks


CONTROL = {"|", "||", "&&", ";", "then", "do", "else", "if", "!", "(", "$(",
           "time", "exec", "command"}


def invocations(text):
    """Argument lists of every `ksymaudit ...` command in shell text."""
    text = text.replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:
            continue
        for i, w in enumerate(words):
            # In command position only: not "kernel-audit.sh ksymaudit SRC".
            prev = words[i - 1] if i else None
            if w == "ksymaudit" and (
                    prev is None or prev in CONTROL or prev.endswith(";")
                    or re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", prev)):
                args = []
                for a in words[i + 1:]:
                    if a in ("|", "||", "&&", ";", ")") or a.endswith(";"):
                        break
                    args.append(a)
                out.append(args)
    return out


blocks = []
for path in sorted(glob.glob(os.path.join(folder, "*.yml"))):
    name = os.path.basename(path)
    with open(path, encoding="utf-8") as f:
        try:
            doc = yaml.safe_load(f)
        except yaml.YAMLError as e:
            fail("%s: not YAML: %s" % (name, e))
            continue
    if not isinstance(doc, dict):
        fail("%s: not a mapping" % name)
        continue
    blocks += shell_blocks_github(doc, name) if "jobs" in doc \
        else shell_blocks_gitlab(doc, name)
for path in sorted(glob.glob(os.path.join(folder, "*.sh"))):
    with open(path, encoding="utf-8") as f:
        blocks.append((os.path.basename(path), f.read()))
if len(blocks) < 5:
    fail("only %d shell blocks found in %s" % (len(blocks), folder))

used = 0
for where, text in blocks:
    p = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
    if p.returncode != 0:
        fail("%s: bash -n: %s" % (where, p.stderr.strip()))
    for args in invocations(text):
        if not args or args[0].startswith("-"):
            cmd, opts = None, args
        else:
            cmd, opts = args[0], args[1:]
        if cmd and cmd not in commands:
            if cmd in PENDING:
                print("note: %s: 'ksymaudit %s' is not in this build yet" % (where, cmd))
                continue
            fail("%s: 'ksymaudit %s' is not a command" % (where, cmd))
            continue
        text_help = help_of(cmd) or ""
        for o in opts:
            m = re.match(r"^(--[a-z][a-z0-9-]*)|^(-[a-zA-Z])", o)
            if not m:
                continue
            opt = m.group(1) or m.group(2)
            used += 1
            if not re.search(r"(^|[\s,|\[])%s([\s,=|\]]|$)" % re.escape(opt),
                             text_help, re.M):
                fail("%s: 'ksymaudit %s %s' is not in its --help"
                     % (where, cmd or "", opt))
if used < 5:
    fail("only %d ksymaudit options found: are the recipes read?" % used)
if not failures:
    print("ok: %d shell blocks, %d ksymaudit options, all in --help" %
          (len(blocks), used))
sys.exit(1 if failures else 0)
