/*
 * The DWARF layer, one for every command: finding a file's debug info,
 * turning code locations into the containing function, source line and
 * chain of inlined functions (read through libdwfl, so ET_REL debug info is
 * relocated), and source paths as people read them.
 */
#pragma once

#include <elfutils/libdwfl.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/hashmap.h"

/* Where to look for separate debug files. */
struct ka_dbg_opts {
	/*
	 * check --debuginfo DIR, tree --debug-root DIR: searched first, for
	 * the same relative path, the base name, NAME.debug, build-id,
	 * Debian's lib/modules/VER layout and .gnu_debuglink; NULL: none.
	 * /usr/lib/debug is always searched after it.
	 */
	const char *debug_dir;
	bool debuginfod; /* also ask debuginfod (DEBUGINFOD_URLS) */
};

/* The DWARF of one ELF file (in the file itself or in a separate file). */
struct ka_dwarf;

/*
 * Opens the DWARF for e, looking in the file itself, then for a separate
 * debug file (see struct ka_dbg_opts). A decompressed image is handed to
 * libdwfl as it is in memory. Returns NULL when there is none, with a
 * reason in *why when why is not NULL (owned by the caller).
 */
struct ka_dwarf *ka_dwarf_open(struct ka_elf *e, const struct ka_dbg_opts *o,
			       char **why);
/* NULL: nothing. */
void ka_dwarf_close(struct ka_dwarf *d);
/* The file the DWARF came from (e's own path when it has DWARF). */
const char *ka_dwarf_file(const struct ka_dwarf *d);
/* DWARF address of (section of e, offset), UINT64_MAX when unknown. */
uint64_t ka_dwarf_addr(const struct ka_dwarf *d, size_t scn, uint64_t off);

/* ---- Sites: code locations to function, line and inline chain ---- */

/* One site to attribute; every output is owned (ka_gsites_free). */
struct ka_gsite {
	size_t scn;            /* input: site section and offset */
	uint64_t offset;
	size_t cookie;         /* input: for the caller (e.g. edge index) */
	/*
	 * output: site.function (the out-of-line subprogram, NULL when no
	 * subprogram covers the site), site.file:line from the line table,
	 * the chain innermost first, has_debuginfo when a CU covers the site.
	 */
	struct ka_site site;
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

/* Frees the outputs of sites[0..n) and the array; NULL: nothing. */
void ka_gsites_free(struct ka_gsite *v, size_t n);

/*
 * Attributes every site of one file in one pass: only the CUs whose ranges
 * hold a site are read, and inside them only the subprograms, blocks and
 * inlined subroutines that cover one. Functions are named by DW_AT_name
 * (through abstract origins), else the linkage name; paths go through
 * ka_dwarf_path(). Returns 0, or -ENOENT when d is NULL (sites are left
 * unattributed).
 */
int ka_dwarf_attribute(struct ka_dwarf *d, struct ka_gsite *sites, size_t n);

/*
 * A DWARF source path for people, owned: "." and ".." steps resolved and
 * "//" squeezed; then relative to comp_dir, to the source root above a
 * Debian ".../debian/build/..." comp_dir, to module_dir, or to a kernel tree
 * on this machine, when under one of them. comp_dir and module_dir may be
 * NULL.
 */
char *ka_dwarf_path(const char *path, const char *comp_dir,
		    const char *module_dir);

/* ---- Direct calls (x86) ---- */

struct ka_dwarf_call {
	uint64_t site;   /* offset of the call's operand in the section */
	uint64_t target; /* offset of the callee in the same section */
};
/*
 * Direct calls of the function at (scn, offset, size) of e that have no
 * relocation, from its DW_TAG_call_site return addresses; *out is owned.
 */
size_t ka_dwarf_direct_calls(struct ka_dwarf *d, struct ka_elf *e, size_t scn,
			     uint64_t offset, uint64_t size,
			     struct ka_dwarf_call **out);

/* ---- Instances of header inlines (src/dwarf/inline-stats.c) ---- */

/*
 * The key of a header inline in ka_inline_counts: "function\tbase:line"
 * with the basename of its declaring file (owned).
 */
char *ka_inline_key(const char *function, const char *decl_file,
		    unsigned decl_line);
/* A count in such a map: the value, which owns its key. */
struct ka_inline_count {
	unsigned n;
	char key[];
};
/* Adds n to key's count in m (the key is copied). */
void ka_inline_count_add(struct hashmap *m, const char *key, unsigned n);
/* Frees the counts and the map; NULL or zeroed: nothing. */
void ka_inline_counts_free(struct hashmap *m);
/*
 * Adds to out (key from ka_inline_key; value: struct ka_inline_count) the
 * number of inlined instances with code, and out-of-line
 * copies, of every inline function declared in a header, over every CU of
 * d. Returns 0, or -1 without debug info.
 */
int ka_inline_counts(struct ka_dwarf *d, struct hashmap *out);
/*
 * True when a formal parameter of the inlined instance at DIE offset
 * die_off has a location naming an address in [lo, hi) (DW_OP_addr): the
 * caller passed that object or function in. With call (the reference is
 * a call), also when a function-pointer parameter has no location: the
 * compiler turned the callback into that direct call.
 */
bool ka_inline_param_names(struct ka_dwarf *d, uint64_t die_off,
			   uint64_t lo, uint64_t hi, bool call);

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
/* NULL or zeroed: nothing; leaves *mi zeroed. */
void ka_module_inlines_free(struct ka_module_inlines *mi);
