/*
 * inline-exposure: a header inline whose inlined instances reference a
 * GPL-only export. Any non-GPL module that calls it becomes GPL-only. The
 * uses are gathered per file by the tree pass (src/graph/tree.c); this
 * turns each into one finding.
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

static char *join(const struct strvec *sv)
{
	size_t len = 1;
	for (size_t i = 0; i < sv->n; i++)
		len += strlen(sv->v[i]) + 2;
	char *s = xcalloc(len, 1);
	for (size_t i = 0; i < sv->n; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, sv->v[i]);
	}
	return s;
}

static void run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->n_uses; i++) {
		const struct ka_inline_use *u = res->uses[i];
		char *gpl = join(&u->gpl_symbols);
		struct ka_finding *f = ka_finding_add(
			&run->findings, ka_check_inline_exposure.id,
			ka_check_inline_exposure.severity, NULL,
			u->decl_file, u->function,
			"header inline '%s' references GPL-only %s '%s'%s%s: a "
			"non-GPL module that uses it cannot load",
			u->function, u->gpl_symbols.n > 1 ? "exports" : "export",
			gpl, u->inner.n ? " through inline " : "",
			u->inner.n ? "" : "");
		if (u->inner.n) {
			char *inner = join(&u->inner), *m;
			m = xasprintf("header inline '%s' references GPL-only "
				      "%s '%s' through inner inline%s %s: a "
				      "non-GPL module that uses it cannot load",
				      u->function,
				      u->gpl_symbols.n > 1 ? "exports" : "export",
				      gpl, u->inner.n > 1 ? "s" : "", inner);
			free(f->message);
			f->message = m;
			free(inner);
		}
		f->line = u->decl_line;
		f->count = u->instances;
		f->note = xasprintf(
			"%u instance%s in this build, e.g. in %s() at %s:%u (%s); "
			"the verdict holds for this build's configuration",
			u->instances, u->instances == 1 ? "" : "s",
			u->example_function ? u->example_function : "?",
			u->example_file ? u->example_file : "?",
			u->example_line, u->example_object);
		struct ka_site *s = ka_finding_add_site(f);
		s->function = xstrdup(u->example_function ? u->example_function
							  : "?");
		s->file = u->example_file ? xstrdup(u->example_file) : NULL;
		s->line = u->example_line;
		s->kind = KA_REF_CODE;
		s->has_debuginfo = true;
		ka_inline_chain_push(s, u->function, u->decl_file, u->decl_line,
				     u->example_file, u->example_line);
		free(gpl);
	}
}

static void run_diff(struct ka_run *run, const struct ka_diff *d)
{
	ka_diff_tree_changes(run, d, ka_check_inline_exposure.id);
}

const struct ka_check ka_check_inline_exposure = {
	.id = "inline-exposure",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_KERNEL,
	.summary = "a header inline references GPL-only exports",
	.description = "An inline function declared in a kernel header whose "
		       "inlined instances reference a GPL-only export: any "
		       "non-GPL module that calls it cannot load, though its "
		       "source never names the symbol.",
	.help = "Export the symbol with EXPORT_SYMBOL if the inline is meant "
		"for every module, move the GPL-only part out of line behind a "
		"plain export, or waive it with a reason (ksymaudit-rules(5)).",
	.run_kernel = run_kernel,
	.run_diff = run_diff,
};
