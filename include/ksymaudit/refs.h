/*
 * References to symbols, read from the relocations of any ELF: relocatable
 * objects (.o, .ko) of any class and byte order, and executables linked with
 * --emit-relocs (a distribution's debug vmlinux). One pass over each
 * relocation section; the filter is asked once per symbol, not per reloc.
 */
#pragma once

#include "ksymaudit/elffile.h"
#include "ksymaudit/findings.h"

struct ka_ref {
	const char *symbol;   /* referenced symbol (borrowed from the ELF's
				 string table; a section symbol gives the
				 section name) */
	size_t sym_index;     /* its index in the symbol table */
	enum ka_ref_kind kind;
	size_t scn;           /* section of the site; for annex tables the code
				 section the entry patches */
	uint64_t offset;      /* offset of the site in scn */
	uint64_t addr;        /* sh_addr + offset (= offset in ET_REL) */
	size_t from_scn;      /* section the relocation applies to */
	uint64_t from_offset; /* offset of the relocated field in from_scn */
	int64_t addend;       /* the relocation's addend (implicit for REL) */
	unsigned r_type;      /* the relocation type */
};

struct ka_refs {
	struct ka_ref *v;
	size_t n, cap;
};

/*
 * Says whether references to a symbol are wanted. Called at most once per
 * symbol table entry that a relocation uses; sym is its table entry.
 */
typedef bool (*ka_ref_filter)(const char *symbol, const GElf_Sym *sym,
			      void *arg);

/*
 * Appends to out every reference, from an allocated section, to a symbol
 * that want accepts (every symbol when want is NULL):
 * - from executable sections: KA_REF_CALL for call/branch relocations,
 *   KA_REF_CODE for the others;
 * - from tables that patch code (__jump_table, .static_call_sites,
 *   __ex_table, .altinstructions replacements, __bug_table,
 *   .parainstructions): the table's kind, with scn/offset the code location
 *   the entry belongs to;
 * - from other allocated sections: KA_REF_DATA at the relocated field.
 * Bookkeeping tables (__mcount_loc, .orc_*, .retpoline_sites, __ksymtab*,
 * .discard.*, debug, BTF, notes, .modinfo, …) are skipped.
 * Returns the number of references added or a negative errno (problem
 * recorded in diags, which may be NULL).
 */
int ka_refs_collect(struct ka_elf *e, ka_ref_filter want, void *arg,
		    struct ka_refs *out, struct ka_diags *diags);
/* NULL or zeroed: nothing; leaves *r zeroed. */
void ka_refs_free(struct ka_refs *r);

/*
 * A linked image whose code has no relocations (a 6.12 or 7.x debug
 * vmlinux): ka_refs_collect calls this for it. Appends the references
 * decoded from the code of its executable sections (Capstone; x86-64 and
 * arm64): KA_REF_CALL for calls and jumps to another function, KA_REF_CODE
 * for address operands (RIP-relative, absolute, ADRP pairs), KA_REF_ALTINSTR
 * from .altinstr_replacement; and from the kernel's PC-relative tables
 * (__jump_table: KA_REF_STATIC_KEY, .static_call_sites: KA_REF_STATIC_CALL)
 * at the code location of each entry. Targets are named by the function or
 * object that holds them; a site's offset is that of the field a relocation
 * would patch, so the result matches what relocations say. Returns the
 * number added or a negative errno; on another machine, or built without
 * Capstone, adds a note to diags and returns 0.
 */
int ka_refs_decode(struct ka_elf *e, ka_ref_filter want, void *arg,
		   struct ka_refs *out, struct ka_diags *diags);
/* True when references from machine's code can be decoded. */
bool ka_refs_decodable(unsigned machine);

/* True when the relocation type is a call or branch on that machine. */
bool ka_reloc_is_call(unsigned machine, unsigned r_type);

/*
 * Defined function and object symbols sorted by (section, offset), to name
 * the function or data object containing a site.
 */
struct ka_symindex {
	struct ka_symindex_ent {
		const char *name; /* borrowed from the ELF */
		size_t scn;
		uint64_t offset;  /* section-relative, also in linked files */
		uint64_t size;
		bool func;
	} *v;
	size_t n;
};

int ka_symindex_build(struct ka_elf *e, struct ka_symindex *ix);
/*
 * The symbol containing (scn, offset): the one whose range covers it, else
 * the nearest preceding function or object in that section. NULL if none.
 */
const struct ka_symindex_ent *ka_symindex_lookup(const struct ka_symindex *ix,
						 size_t scn, uint64_t offset);
/* NULL or zeroed: nothing; leaves it empty. */
void ka_symindex_free(struct ka_symindex *ix);
