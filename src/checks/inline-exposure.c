/*
 * inline-exposure: a header inline whose own code references a GPL-only
 * export. Any non-GPL module that calls it becomes GPL-only. The tree pass
 * (src/model/tree-pass.c) gathers, per (inline, symbol), how many of the
 * inline's instances carry the reference and how many instances there are;
 * this decides which pairs are the inline's own and turns each inline into
 * one finding.
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

static void report(struct ka_run *run, const struct ka_inline_use *u,
		   const struct strvec *gpl, const struct strvec *inner,
		   unsigned instances)
{
	char *syms = join(gpl);
	char *via = inner->n ? join(inner) : NULL;
	struct ka_finding *f = ka_finding_add(
		&run->findings, ka_check_inline_exposure.id,
		ka_check_inline_exposure.severity, NULL, u->decl_file,
		u->function,
		"header inline '%s' references GPL-only %s '%s'%s%s%s: a "
		"non-GPL module that uses it cannot load",
		u->function, gpl->n > 1 ? "exports" : "export", syms,
		via ? " through inner inline" : "",
		via && inner->n > 1 ? "s " : via ? " " : "", via ? via : "");
	for (size_t k = 0; k < u->n_syms; k++)
		if (u->syms[k].own)
			ka_finding_add_symbol(f, &u->syms[k]);
	f->line = u->decl_line;
	f->count = instances;
	f->note = xasprintf(
		"%u of its %u instances in this build carry it, e.g. in %s() "
		"at %s:%u (%s); the verdict holds for this build's "
		"configuration",
		instances, u->inline_instances > instances ? u->inline_instances
							   : instances,
		u->example_function ? u->example_function : "?",
		u->example_file ? u->example_file : "?", u->example_line,
		u->example_object);
	struct ka_site *s = ka_finding_add_site(f);
	s->function = xstrdup(u->example_function ? u->example_function : "?");
	s->file = u->example_file ? xstrdup(u->example_file) : NULL;
	s->line = u->example_line;
	s->kind = KA_REF_CODE;
	s->has_debuginfo = true;
	ka_inline_chain_push(s, u->function, u->decl_file, u->decl_line,
			     u->example_file, u->example_line);
	free(syms);
	free(via);
}

static void run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	if (!res)
		return;
	for (size_t i = 0; i < res->facts.n_uses; i++) {
		const struct ka_inline_use *u = res->facts.uses[i];
		struct strvec gpl = { 0 }, inner = { 0 };
		unsigned instances = 0;
		for (size_t k = 0; k < u->n_syms; k++) {
			const struct ka_inline_sym *y = &u->syms[k];
			if (!y->own)
				continue;
			strvec_push(&gpl, y->symbol);
			for (size_t j = 0; j < y->via.n; j++)
				strvec_push(&inner, y->via.v[j]);
			if (ka_inline_sym_own_instances(y) > instances)
				instances = ka_inline_sym_own_instances(y);
		}
		strvec_sort_unique(&inner);
		if (gpl.n)
			report(run, u, &gpl, &inner, instances);
		strvec_free(&gpl);
		strvec_free(&inner);
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
		       "own code references a GPL-only export in (nearly) "
		       "every instance: any non-GPL module that calls it "
		       "cannot load, though its source never names the "
		       "symbol. References a caller passes in (an argument, "
		       "callback, key or global) are not the inline's.",
	.help = "Export the symbol with EXPORT_SYMBOL if the inline is meant "
		"for every module, move the GPL-only part out of line behind a "
		"plain export, or waive it with a reason (ksymaudit-rules(5)).",
	.run_kernel = run_kernel,
	.run_diff = run_diff,
};
