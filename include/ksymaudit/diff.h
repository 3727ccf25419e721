/*
 * ksymaudit diff: two kernel sides (each read from a `tree -j` report or
 * walked here) and the modules under audit, as the diff checks see them.
 */
#pragma once

#include "ksymaudit/dwarf.h"
#include "ksymaudit/report.h"
#include "ksymaudit/run.h"
#include "ksymaudit/tree.h"

struct ka_diff {
	const struct ka_report *old_side, *new_side;
	/* Inline uses of each module under audit (run->modules order). */
	struct ka_module_inlines *mod_inlines;
	size_t n_mod_inlines;
	/* upgrade: only module-breaks runs, and judges as a rebuild would (a
	 * name NEW no longer exports asks for the rebuild DKMS does anyway). */
	bool upgrade;
};

/*
 * The header inlines m uses, from the DW_TAG_inlined_subroutine entries of
 * its debug info (in the file, or found under debug_root); grouped by
 * function, sorted by name. out->have_dwarf is false without debug info.
 */
void ka_module_inlines_read(const struct ka_run *run,
			    const struct ka_module *m, const char *debug_root,
			    struct ka_module_inlines *out);

/*
 * Turns the result of a tree pass over one kernel into a report: moves
 * side's exports and findings and res's header-inline and reach facts into
 * out. side and res stay valid (emptied of what moved).
 */
void ka_report_from_tree(struct ka_report *out, const char *label,
			 struct ka_run *side, struct ka_tree_result *res);
/* A fact of a report: the header inline named fn, or NULL. */
const struct ka_inline_use *ka_report_inline(const struct ka_report *r,
					     const char *fn);
/* The reach fact of owner/function, or NULL (facts are sorted). */
const struct ka_reach_fact *ka_report_reach(const struct ka_report *r,
					    const char *owner,
					    const char *function);
