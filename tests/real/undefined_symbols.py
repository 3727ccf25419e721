#!/usr/bin/env python3
"""An independent reader of the symbols a module imports, for
other-arch.sh: plain Python (struct), no libelf. Reads .ko, .ko.xz and
.ko.gz files of either class and byte order, takes the undefined GLOBAL and
WEAK symbols of .symtab and drops what modpost's ignore_undef_symbol()
drops (scripts/mod/modpost.c, 6.1):

    __this_module, _GLOBAL_OFFSET_TABLE_ (every machine)
    ppc32: _restgpr_ _savegpr_ _rest32gpr_ _save32gpr_ _restvr_ _savevr_
    ppc64: _restgpr0_ _savegpr0_ _restvr_ _savevr_ and .TOC.
    s390:  __s390_indirect_jump_r*   (sparc: STT_SPARC_REGISTER)

Usage: undefined_symbols.py FILE...   prints "FILE<TAB>SYMBOL<TAB>WEAK"
"""
import gzip
import lzma
import struct
import sys

EM_PPC, EM_PPC64, EM_S390, EM_SPARC, EM_SPARCV9 = 20, 21, 22, 2, 43
PPC32 = ("_restgpr_", "_savegpr_", "_rest32gpr_", "_save32gpr_",
         "_restvr_", "_savevr_")
PPC64 = ("_restgpr0_", "_savegpr0_", "_restvr_", "_savevr_")


def image(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] == b"\xfd7zXZ\x00":
        return lzma.decompress(data)
    if data[:2] == b"\x1f\x8b":
        return gzip.decompress(data)
    return data


def ignored(machine, name):
    if name in ("__this_module", "_GLOBAL_OFFSET_TABLE_"):
        return True
    if machine == EM_PPC and name.startswith(PPC32):
        return True
    if machine == EM_PPC64 and (name.startswith(PPC64) or name == ".TOC."):
        return True
    return machine == EM_S390 and name.startswith("__s390_indirect_jump_r")


def undefined(path):
    d = image(path)
    if d[:4] != b"\x7fELF":
        raise ValueError(f"{path}: not ELF")
    is64, end = d[4] == 2, "<" if d[5] == 1 else ">"
    if is64:
        machine, = struct.unpack_from(end + "H", d, 18)
        shoff, = struct.unpack_from(end + "Q", d, 40)
        shentsize, shnum = struct.unpack_from(end + "HH", d, 58)
        shfmt, symfmt = end + "IIQQQQIIQQ", end + "IBBHQQ"
    else:
        machine, = struct.unpack_from(end + "H", d, 18)
        shoff, = struct.unpack_from(end + "I", d, 32)
        shentsize, shnum = struct.unpack_from(end + "HH", d, 46)
        shfmt, symfmt = end + "IIIIIIIIII", end + "IIIBBH"
    shdrs = [struct.unpack_from(shfmt, d, shoff + i * shentsize)
             for i in range(shnum)]
    for sh in shdrs:
        # name, type, flags, addr, offset, size, link, info, align, entsize
        if sh[1] != 2:  # SHT_SYMTAB
            continue
        off, size, link, entsize = sh[4], sh[5], sh[6], sh[9]
        stroff = shdrs[link][4]
        for i in range(1, size // entsize):
            if is64:
                name, info, _, shndx, _, _ = struct.unpack_from(
                    symfmt, d, off + i * entsize)
            else:
                name, _, _, info, _, shndx = struct.unpack_from(
                    symfmt, d, off + i * entsize)
            bind, typ = info >> 4, info & 15
            if shndx != 0 or bind not in (1, 2):  # UNDEF; GLOBAL, WEAK
                continue
            if machine in (EM_SPARC, EM_SPARCV9) and typ == 13:
                continue
            nul = d.index(b"\0", stroff + name)
            s = d[stroff + name:nul].decode("utf-8", "replace")
            if not s or ignored(machine, s):
                continue
            if machine in (EM_SPARC, EM_SPARCV9) and s[0] == ".":
                s = "_" + s[1].upper() + s[2:]
            yield s, bind == 2
        return


if __name__ == "__main__":
    out = sys.stdout
    for p in sys.argv[1:]:
        for s, weak in undefined(p):
            out.write(f"{p}\t{s}\t{int(weak)}\n")
