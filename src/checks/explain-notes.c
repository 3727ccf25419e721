/*
 * explain-export and explain-inline: the notes of `explain SYMBOL`, every
 * path from a non-GPL export and every header inline that reaches SYMBOL.
 */
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/checks.h"

static char *steps_text(const struct ka_explain_path *p)
{
	char *s = xstrdup(p->steps[0].symbol);
	for (size_t k = 1; k < p->n_steps; k++) {
		const char *kind = p->steps[k].kind == KA_REF_CALL ? "call"
				 : p->steps[k].kind == KA_REF_DATA ? "data"
				 : ka_ref_kind_name(p->steps[k].kind);
		char *n = xasprintf("%s -> %s (%s)", s, p->steps[k].symbol, kind);
		free(s);
		s = n;
	}
	return s;
}

void ka_explain_report(struct ka_run *run, const struct ka_tree_result *res,
		       const char *sym)
{
	struct hashmap seen = { 0 };
	struct strvec keys = { 0 };
	for (size_t i = 0; i < res->facts.n_paths; i++) {
		const struct ka_explain_path *p = &res->facts.paths[i];
		const struct ka_export *x = ka_exportdb_find(&run->exports,
							     p->steps[0].symbol);
		char *chain = steps_text(p);
		/* The same path through different sites is listed once. */
		char *key = xasprintf("%s\t%s", p->object, chain);
		if (hashmap_get(&seen, key)) {
			free(key);
			free(chain);
			continue;
		}
		strvec_push_owned(&keys, key);
		hashmap_put(&seen, key, key);
		struct ka_finding *f = ka_finding_add(
			&run->findings, ka_check_explain_export.id,
			ka_check_explain_export.severity,
			x && x->owner ? x->owner : NULL, p->object,
			p->steps[0].symbol, "%s '%s' reaches '%s': %s",
			x ? ka_export_type_name(x->type) : "export",
			p->steps[0].symbol, sym, chain);
		free(chain);
		for (size_t k = 1; k < p->n_steps; k++)
			ka_finding_add_step(f, p->steps[k].symbol, p->steps[k].kind);
	}
	hashmap_free(&seen);
	strvec_free(&keys);
	for (size_t i = 0; i < res->facts.n_uses; i++) {
		const struct ka_inline_use *u = res->facts.uses[i];
		const struct ka_inline_sym *y = ka_inline_use_find(u, sym);
		/* As inline-exposure decides: the inline's own reference, not
		 * generic machinery (arch_static_branch) given the caller's key. */
		if (!y || !y->own)
			continue;
		struct ka_finding *f = ka_finding_add(
			&run->findings, ka_check_explain_inline.id,
			ka_check_explain_inline.severity, NULL,
			u->decl_file, u->function,
			"header inline '%s' references '%s'%s (%u instance%s in "
			"this build, e.g. in %s() at %s:%u)",
			u->function, sym, u->inner.n ? " through inner inlines" : "",
			u->instances, u->instances == 1 ? "" : "s",
			u->example_function ? u->example_function : "?",
			u->example_file ? u->example_file : "?", u->example_line);
		f->line = u->decl_line;
		f->count = u->instances;
		for (size_t k = 0; k < u->inner.n; k++)
			ka_finding_add_step(f, u->inner.v[k], KA_REF_CALL);
		ka_finding_add_step(f, sym, KA_REF_CODE);
	}
	if (!res->facts.n_paths && !run->findings.n)
		ka_finding_add(&run->findings, ka_check_explain_export.id,
			ka_check_explain_export.severity,
			       NULL, NULL, sym,
			       "'%s' is not reachable from a non-GPL export "
			       "within %u steps, nor from a header inline",
			       sym, run->max_depth);
}

const struct ka_check ka_check_explain_export = {
	.id = "explain-export",
	.severity = KA_SEV_NOTE,
	.scope = KA_SCOPE_EXPLAIN,
	.summary = "a non-GPL export reaches the explained symbol",
	.description = "explain SYMBOL: an EXPORT_SYMBOL function whose code "
		       "reaches SYMBOL, directly or through functions that are "
		       "not exported, with the path.",
	.help = "Were SYMBOL GPL-only, this export would hand it to every "
		"module: review it as an export-wrapper.",
};

const struct ka_check ka_check_explain_inline = {
	.id = "explain-inline",
	.severity = KA_SEV_NOTE,
	.scope = KA_SCOPE_EXPLAIN,
	.summary = "a header inline reaches the explained symbol",
	.description = "explain SYMBOL: an inline function declared in a "
		       "kernel header whose inlined instances reference SYMBOL, "
		       "with the inner inlines on the way.",
	.help = "Were SYMBOL GPL-only, every non-GPL module calling this "
		"inline would fail to load: review it as an inline-exposure.",
};
