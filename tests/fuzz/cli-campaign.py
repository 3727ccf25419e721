#!/usr/bin/env python3
"""The issue-10 campaign at the command line: real modules (Debian's debug
modules with DWARF, the other-architecture trees of tests/real), their
compressed forms and Module.symvers, mutated as an attacker would (bytes
flipped, header fields and table entries overwritten with edge values,
truncated, compressed after mutation), audited by `ksymaudit check -j` with
one good module beside them. Every run must: exit 0, 1 or 2 (no signal, no
hang), print no sanitizer report, write complete JSON in which every
unreadable input is named in errors[], and still audit the good module.

Usage: cli-campaign.py KSYMAUDIT MUTANTS [JOBS [SEED]]
  KSYMAUDIT  best an ASan+UBSan build (build-asan/ksymaudit)
  MUTANTS    how many mutated files in all (20 a run)
Prints the counts; failing cases are kept under $TMPDIR/ka-cli-campaign/.
"""
import glob
import gzip
import json
import lzma
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

PER_RUN = 20
DATA = os.environ.get("KSYMAUDIT_DATA", "/var/tmp/ksymaudit-data")
EDGE32 = [0, 1, 0x7F, 0x80, 0xFF, 0xFFF0, 0xFFFF, 0x7FFFFFFF, 0x80000000,
          0xFFFFFFFF]
EDGE64 = EDGE32 + [0xFFFFFFFFFFFFFFFF, 0x8000000000000000, 1 << 40]


def pick_modules(rng):
    mods = []
    for pat in ["/usr/lib/debug/lib/modules/*/kernel/*/*/*.ko",
                DATA + "/*/root/lib/modules/*/kernel/*/*/*.ko"]:
        mods += [p for p in glob.glob(pat) if os.path.getsize(p) < 400_000]
    rng.shuffle(mods)
    return mods[:300]


def mutate_elf(rng, d):
    d = bytearray(d)
    # Half the mutants get one small change, so that many still pass the
    # ELF validation and reach the table readers and DWARF.
    light = rng.random() < 0.5
    for _ in range(1 if light else rng.randint(1, 8)):
        kind = rng.uniform(0.6, 0.9) if light else rng.random()
        is64 = d[4] == 2 if len(d) > 4 else True
        end = "<" if len(d) < 6 or d[5] != 2 else ">"
        if kind < 0.3 and len(d) > 64:
            # an ELF header field
            off = rng.choice([4, 5, 6, 16, 18, 24, 32, 40, 46, 48, 50, 52,
                              56, 58, 60, 62])
            fmt = end + ("H" if off >= 48 or off in (16, 18) else
                         ("Q" if is64 else "I"))
            if off in (4, 5, 6):
                d[off] = rng.randrange(256)
                continue
            size = struct.calcsize(fmt)
            if off + size <= len(d):
                v = rng.choice(EDGE64 if size == 8 else EDGE32) & ((1 << (8 * size)) - 1)
                struct.pack_into(fmt, d, off, v)
        elif kind < 0.6 and len(d) > 64:
            # a section header field
            try:
                shoff = struct.unpack_from(end + ("Q" if is64 else "I"), d,
                                           40 if is64 else 32)[0]
                shnum = struct.unpack_from(end + "H", d, 60 if is64 else 48)[0]
            except struct.error:
                continue
            if not shnum or shoff + shnum * (64 if is64 else 40) > len(d):
                continue
            i = rng.randrange(shnum)
            base = shoff + i * (64 if is64 else 40)
            fields = ([(4, "I"), (8, "Q"), (24, "Q"), (32, "Q"), (40, "I"),
                       (44, "I"), (56, "Q")] if is64 else
                      [(4, "I"), (8, "I"), (16, "I"), (20, "I"), (24, "I"),
                       (28, "I"), (36, "I")])
            off, f = rng.choice(fields)
            v = rng.choice(EDGE64 if f == "Q" else EDGE32) & (
                (1 << (8 * struct.calcsize(f))) - 1)
            if rng.random() < 0.3:
                v = rng.randrange(shnum + 3)
            struct.pack_into(end + f, d, base + off, v)
        elif kind < 0.9 and d:
            for _ in range(rng.randint(1, 4 if light else 32)):
                d[rng.randrange(len(d))] = rng.randrange(256)
        elif d:
            del d[rng.randrange(len(d)):]
    return bytes(d)


def mutate_symvers(rng, text):
    lines = text.splitlines(True)[:4000]
    for _ in range(rng.randint(1, 20)):
        if not lines:
            break
        i = rng.randrange(len(lines))
        f = lines[i].rstrip("\n").split("\t")
        op = rng.random()
        if op < 0.3:
            f[rng.randrange(len(f))] = rng.choice(
                ["", "EXPORT_SYMBOL", "EXPORT_SYMBOL_GPL", "X", "0x",
                 "0xffffffffff", "\x00", "a b", "\r"])
        elif op < 0.5:
            f.insert(rng.randrange(len(f) + 1), "EXPORT_SYMBOL_GPL")
        elif op < 0.7 and len(f) > 1:
            del f[rng.randrange(len(f))]
        else:
            lines.insert(i, lines[i].replace("EXPORT_SYMBOL\t", "EXPORT_SYMBOL_GPL\t"))
        lines[i] = "\t".join(f) + "\n"
    return "".join(lines)


BOMB = gzip.compress(b"\0" * (64 << 20), 1)


def one_run(args):
    n, seed = args[1], args[2]
    work = tempfile.mkdtemp(prefix="ka-cli-")
    try:
        res = check_run(work, *args)
    except Exception as e:  # the campaign's own bug: keep the inputs too
        res = (n, PER_RUN, f"internal error: {e!r}", work)
    if res[2] is None:
        shutil.rmtree(work, ignore_errors=True)
        return res
    keep = os.path.join(tempfile.gettempdir(), "ka-cli-campaign", f"seed-{seed}")
    shutil.rmtree(keep, ignore_errors=True)
    shutil.move(work, keep)
    return (n, PER_RUN, res[2], keep)


def check_run(work, bin_, n, seed, mods, symvers, good):
    rng = random.Random(seed)
    files = []
    if True:
        for i in range(PER_RUN):
            src = rng.choice(mods)
            with open(src, "rb") as f:
                data = mutate_elf(rng, f.read())
            how = rng.random()
            name = f"{work}/m{i}.ko"
            if how < 0.15:
                data, name = lzma.compress(data, check=lzma.CHECK_CRC32), name + ".xz"
            elif how < 0.3:
                data, name = gzip.compress(data, 1), name + ".gz"
            elif how < 0.35:
                data = BOMB if rng.random() < 0.5 else data
                name += ".gz"
            with open(name, "wb") as f:
                f.write(data)
            files.append(name)
        sv = symvers
        if rng.random() < 0.3:
            sv = f"{work}/Module.symvers"
            with open(symvers) as f, open(sv, "w") as o:
                o.write(mutate_symvers(rng, f.read()))
        cmd = [bin_, "check", "-j", "--license", "Proprietary", "-s", sv,
               "--fail-on", "never"] + files + [good]
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=1",
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        with open(f"{work}/command", "w") as f:
            f.write(" ".join(cmd) + "\n")
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=60, env=env)
        except subprocess.TimeoutExpired:
            return n, PER_RUN, "hang (60 s)", work
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode not in (0, 1, 2):
            return n, PER_RUN, f"exit {p.returncode}: {err[-2000:]}", work
        for bad in ("runtime error", "AddressSanitizer", "LeakSanitizer"):
            if bad in err:
                return n, PER_RUN, f"sanitizer: {err[-3000:]}", work
        try:
            doc = json.loads(p.stdout)
        except ValueError as e:
            return n, PER_RUN, f"bad JSON: {e}", work
        ok = {i["path"] for i in doc["inputs"] if i["status"] == "ok"}
        named = {e["file"] for e in doc["errors"]}
        for i in doc["inputs"]:
            if i["status"] != "ok" and i["path"] not in named:
                return n, PER_RUN, f"unreadable {i['path']} not in errors", work
        if good not in ok or not any(f["file"] == good for f in doc["findings"]):
            return n, PER_RUN, "the good module was not audited", work
        if doc["errors"] and p.returncode != 2 and any(e["fatal"] for e in doc["errors"]):
            return n, PER_RUN, f"fatal errors but exit {p.returncode}", work
        accepted = sum(1 for i in doc["inputs"]
                       if i["status"] == "ok" and i["path"] in files)
        return n, PER_RUN, None, accepted


def main():
    bin_, total = sys.argv[1], int(sys.argv[2])
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    seed = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    rng = random.Random(seed)
    mods = pick_modules(rng)
    if not mods:
        sys.exit("no real modules found (tools/setup-debian.sh --test-data)")
    symvers = sorted(glob.glob("/usr/src/linux-headers-*-cloud-amd64/Module.symvers") or
                     glob.glob("/usr/src/linux-headers-*/Module.symvers"))[-1]
    good = mods[0]
    mods = mods[1:]
    runs = (total + PER_RUN - 1) // PER_RUN
    done = failures = accepted = 0
    with ThreadPoolExecutor(jobs) as ex:
        for n, k, why, work in ex.map(one_run, [
                (bin_, i, seed * 1000003 + i, mods, symvers, good)
                for i in range(runs)]):
            done += k
            if not why:
                accepted += work
            if why:
                failures += 1
                print(f"FAIL run {n}: {why[:3000]}\n  inputs and command: {work}")
    print(f"{done} mutated files in {runs} runs ({len(mods)} source modules), "
          f"{accepted} of them read as modules, {failures} failing runs")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
