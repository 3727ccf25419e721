/*
 * Explaining uses of symbols: for each reference (refs.h) the containing
 * function, the source line and the chain of inlined functions, from DWARF
 * read through libdwfl (so ET_REL debug info is relocated).
 */
#pragma once

#include "ksymaudit/refs.h"
#include "ksymaudit/run.h"

/*
 * Fills sites[] of every gpl-only-use finding; with run->explain_all also
 * adds one note finding (check "gpl-only-import") per GPL-only import of
 * every module, GPL modules too, and attributes it. Debug info is read only
 * for modules that have such findings. Sets each finding's file:line to the
 * first site's location in the module's own code. Problems go to
 * run->diags (never fatal). Returns 0 or a negative errno.
 */
int ka_explain_run(struct ka_run *run);

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
