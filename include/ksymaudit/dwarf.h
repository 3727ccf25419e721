/*
 * The DWARF layer: finding a file's debug info, and turning code locations
 * into the containing function, source line and chain of inlined
 * functions, read through libdwfl (so ET_REL debug info is relocated).
 */
#pragma once

#include <elfutils/libdwfl.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/findings.h"

/* Where to look for separate debug files. */
struct ka_dbg_opts {
	const char *debuginfo_dir; /* --debuginfo DIR, or NULL */
	const char *debug_root;    /* NULL: /usr/lib/debug */
	bool debuginfod;           /* also ask debuginfod (DEBUGINFOD_URLS) */
};

/* Debug info of one ELF file (in the file or separate). */
struct ka_dbg;

/*
 * Opens the debug info for e. Returns NULL when none was found, with a
 * reason in *why (owned by the caller).
 */
struct ka_dbg *ka_dbg_open(struct ka_elf *e, const struct ka_dbg_opts *o,
			   char **why);
/* The debug file used (the ELF's own path when it has DWARF). */
const char *ka_dbg_file(const struct ka_dbg *d);
/*
 * Attributes the code location (section index, offset) of the ELF: sets
 * s->function, s->file, s->line and pushes the inline chain, innermost
 * first, and has_debuginfo. Returns 0, or -ENOENT when no DWARF covers it.
 */
int ka_dbg_attribute(struct ka_dbg *d, size_t scn, uint64_t offset,
		     struct ka_site *s);
void ka_dbg_close(struct ka_dbg *d);

/*
 * A DWARF path for people: relative to comp_dir or to the module's own
 * directory when under them, without a leading "./" and "/./" steps.
 * Returns an owned string.
 */
char *ka_explain_path(const char *path, const char *comp_dir,
		      const char *module_dir);

/* Finds the debug file Debian installs for a file, or NULL (owned). */
char *ka_debug_file_for(const char *path, const char *debug_root);

/* ---- DWARF of one file (src/dwarf/dwarf.c) ---- */

/* Opens the DWARF of e (or of dbgfile); NULL when there is none. */
struct ka_dwarf *ka_dwarf_open(struct ka_elf *e, const char *dbgfile);
void ka_dwarf_close(struct ka_dwarf *d);
Dwarf *ka_dwarf_handle(const struct ka_dwarf *d);
/* DWARF address of (section of e, offset), UINT64_MAX when unknown. */
uint64_t ka_dwarf_addr(const struct ka_dwarf *d, size_t scn, uint64_t off);

struct ka_dwarf_call {
	uint64_t site;   /* offset of the call's operand in the section */
	uint64_t target; /* offset of the callee in the same section */
};
/* Direct calls of the function at (scn, offset, size); *out is owned. */
size_t ka_dwarf_direct_calls(struct ka_dwarf *d, struct ka_elf *e, size_t scn,
			     uint64_t offset, uint64_t size,
			     struct ka_dwarf_call **out);

/* ---- Inline chains of sites, from DWARF (src/dwarf/inlines.c) ---- */

/* One attributed site: the chain of inlined frames, innermost first. */
struct ka_gsite {
	size_t scn;            /* input: site section and offset */
	uint64_t offset;
	size_t cookie;         /* input: for the caller (e.g. edge index) */
	struct ka_site site;   /* output: function, file:line, chain */
	uint64_t *frame_off;   /* output: DIE offset of each chain frame (the
				  inline instance), to count instances */
	bool *frame_inline;    /* output: each frame's function is declared
				  inline (not only inlined by the compiler) */
	bool outer_inline;     /* output: the out-of-line function is
				  declared inline */
	char *outer_decl_file; /* output: declaration of the out-of-line
				  function (a header inline's out-of-line
				  copy has a header here), else NULL */
	unsigned outer_decl_line;
};

void ka_gsites_free(struct ka_gsite *v, size_t n);

/*
 * Opens the DWARF of e (in the file, or dbgfile when not NULL) and fills
 * each site's chain, reading only the CUs and subprograms that contain a
 * site. Returns 0, or -ENOENT when there is no debug info (sites are
 * left unattributed: site.function stays NULL).
 */
int ka_inlines_attribute(struct ka_dwarf *d, struct ka_gsite *sites,
			 size_t n);

/* ---- Inline functions a file uses (src/dwarf/inline-uses.c) ---- */

/* One inlined function of a file and where its instances are. */
struct ka_inline_instance {
	char *caller;    /* the out-of-line function it is inlined into */
	char *outer;     /* the outermost inline function around it, NULL
			    when it is inlined into caller directly */
	char *call_file; /* where the outermost frame is inlined */
	unsigned call_line;
};
struct ka_inline_used {
	char *function;
	char *decl_file;
	unsigned decl_line;
	struct ka_inline_instance *inst;
	size_t n_inst, cap_inst;
};
struct ka_module_inlines {
	bool have_dwarf;
	struct ka_inline_used *v;
	size_t n, cap;
};

/*
 * Every function inlined in d (DW_TAG_inlined_subroutine), grouped by name
 * and declaration file, sorted by name; paths tidied as in chains.
 * Returns 0, or -ENOENT without debug info.
 */
int ka_dwarf_inline_uses(struct ka_dwarf *d, struct ka_module_inlines *out);
void ka_module_inlines_free(struct ka_module_inlines *mi);
