/*
 * What the readers of export tables share (private to src/readers):
 * elf-exports.c reads a file's symbol table, CRCs, flags and
 * .export_symbol entries; elf-ksymtab.c decodes its __ksymtab* tables.
 */
#pragma once

#include <gelf.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"

struct ka_xcrc {
	const char *name; /* after "__crc_" */
	uint32_t crc;
};

struct ka_xctx {
	struct ka_elf *e;
	const char *owner;
	struct ka_module *m;
	struct ka_exportdb *db;
	struct ka_diags *diags;
	bool msb;
	unsigned ptrsize;
	bool relocatable;
	size_t nsec;
	/* The symbol table, when there is one. */
	Elf_Data *symdata, *xndxdata;
	size_t nsyms, symstrndx;
	/* For linked files: __ksymtab_strings by address. */
	Elf_Scn *strscn;
	GElf_Shdr strshdr;
	Elf_Data *strdata;
	struct hashmap seen; /* names exported by this file */
	struct hashmap crcs; /* name -> struct ka_xcrc */
	struct ka_xcrc *crcv;
	size_t n_crc, cap_crc;
	/* 7.x: __kflagstab (merged, by entry index) and ___kflagstab+SYM
	 * sections (per symbol, in the .mod.o / vmlinux.export.o modpost
	 * generates: by name). */
	bool have_flags;
	const unsigned char *flags;
	uint64_t n_flags;
	struct hashmap flag_by_name; /* SYM -> pointer to its flag byte */
	int count;
	/* Relocation sections by the section they apply to (built once: a
	 * vmlinux.o has a table section per export): rel_first[i] is the
	 * first one's index + 1 for section i, rel_next[r] the next's. */
	size_t *rel_first, *rel_next, rel_n;
};

/* Field n bytes wide at p, in the file's byte order. */
static inline uint64_t ka_x_rd(const unsigned char *p, unsigned n, bool msb)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static inline int64_t ka_x_rd_signed(const unsigned char *p, unsigned n,
				     bool msb)
{
	uint64_t v = ka_x_rd(p, n, msb);
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* Symbol idx of the file's symbol table and its section index. */
bool ka_x_get_sym(struct ka_xctx *c, size_t idx, GElf_Sym *sym,
		  size_t *shndx);
/* The name of section idx, or NULL. */
const char *ka_x_scn_name(struct ka_xctx *c, size_t idx);
/*
 * A string at off in data that ends inside the section. It need not start
 * after a NUL: the linker merges the tails of __ksymtab_strings ("" and
 * "bar" may point into "foo_bar").
 */
const char *ka_x_string_at(Elf_Data *d, uint64_t off);
/* A symbol name: identifier characters, '.' and '$'. */
bool ka_x_plausible_name(const char *s);
/*
 * A namespace: an identifier, or "module:" and a comma-separated list of
 * module names or patterns (EXPORT_SYMBOL_FOR_MODULES, 6.17, backported to
 * 6.12.y for anon_inode_make_secure_inode: "module:kvm").
 */
bool ka_x_plausible_namespace(const char *s);
/* Adds an export of the file (once per name), with its CRC if any. */
void ka_x_add_export(struct ka_xctx *c, const char *name, const char *ns,
		     enum ka_export_type type);
/*
 * Reads the export table of section s when it is one (__ksymtab,
 * __ksymtab_gpl, ..., or an object file's ___ksymtab+SYM): false when it
 * is not.
 */
bool ka_ksymtab_read(struct ka_xctx *c, Elf_Scn *s);
