/*
 * export-wrapper: a non-GPL export whose code reaches a GPL-only export,
 * directly or through functions that are not exported (the walk is in
 * src/model/wrappers.c; the tree pass keeps what it found as facts).
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

static const char *step_kind(enum ka_ref_kind k)
{
	return k == KA_REF_CALL ? "call" : k == KA_REF_DATA ? "data"
							   : ka_ref_kind_name(k);
}

static struct ka_finding *report(const struct ka_wrapper_fact *w,
				 struct ka_findings *out)
{
	const char *last = w->steps[w->n_steps - 1].symbol;
	char *chain = xstrdup(w->symbol);
	for (size_t i = 0; i < w->n_steps; i++) {
		char *s = xasprintf("%s -> %s (%s)", chain, w->steps[i].symbol,
				    step_kind(w->steps[i].kind));
		free(chain);
		chain = s;
	}
	struct ka_finding *f = ka_finding_add(
		out, ka_check_export_wrapper.id, ka_check_export_wrapper.severity,
		w->owner, w->object, w->symbol,
		"%s '%s' reaches GPL-only '%s' %s: %s",
		ka_export_type_name(w->type), w->symbol, last,
		w->n_steps == 1 ? "directly" : "through unexported code", chain);
	free(chain);
	for (size_t i = 0; i < w->n_steps; i++) {
		const struct ka_site *from = &w->sites[i];
		ka_finding_add_step(f, w->steps[i].symbol, w->steps[i].kind);
		struct ka_site *s = ka_finding_add_site(f);
		ka_site_copy(s, from);
		if (i == 0 && s->file) {
			/* The export's own reference, in the kernel sources. */
			const char *file = s->n_chain
				? s->chain[s->n_chain - 1].call_file : s->file;
			unsigned line = s->n_chain
				? s->chain[s->n_chain - 1].call_line : s->line;
			if (file) {
				free(f->file);
				f->file = xstrdup(file);
				f->line = line;
			}
		}
	}
	if (w->reached.n > 1) {
		size_t len = 0;
		for (size_t i = 0; i < w->reached.n; i++)
			len += strlen(w->reached.v[i]) + 2;
		char *list = xcalloc(len + 1, 1);
		for (size_t i = 0; i < w->reached.n; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, w->reached.v[i]);
		}
		f->note = xasprintf("reaches %zu GPL-only exports in all: %s",
				    w->reached.n, list);
		free(list);
	}
	return f;
}

struct rank_ent {
	size_t idx;
	size_t n_path;
	uint64_t size;
	const char *symbol;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank_ent *x = a, *y = b;
	if (x->n_path != y->n_path)
		return x->n_path < y->n_path ? -1 : 1;
	if (x->size != y->size)
		return x->size < y->size ? -1 : 1;
	return strcmp(x->symbol, y->symbol);
}

/*
 * Thinnest first: the fewest steps to a GPL-only export, then the least
 * code in the export itself (st_size), then by name.
 */
static void rank(struct ka_findings *f, const uint64_t *sizes)
{
	struct rank_ent *r = xcalloc(f->n ? f->n : 1, sizeof(*r));
	for (size_t i = 0; i < f->n; i++)
		r[i] = (struct rank_ent){ i, f->v[i].n_path, sizes[i],
					  f->v[i].symbol ? f->v[i].symbol : "" };
	qsort(r, f->n, sizeof(*r), cmp_rank);
	for (size_t i = 0; i < f->n; i++)
		f->v[r[i].idx].rank = (unsigned)(i + 1);
	free(r);
}

static void run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	if (!res)
		return;
	struct ka_findings local = { 0 };
	uint64_t *sizes = xcalloc(res->n_wrappers + 1, sizeof(*sizes));
	for (size_t i = 0; i < res->n_wrappers; i++) {
		report(&res->wrappers[i], &local);
		sizes[i] = res->wrappers[i].size;
	}
	rank(&local, sizes);
	for (size_t i = 0; i < local.n; i++) {
		ARRAY_GROW(run->findings.v, run->findings.n, run->findings.cap);
		run->findings.v[run->findings.n++] = local.v[i];
	}
	free(local.v);
	free(sizes);
}

static void run_diff(struct ka_run *run, const struct ka_diff *d)
{
	ka_diff_tree_changes(run, d, ka_check_export_wrapper.id);
}

const struct ka_check ka_check_export_wrapper = {
	.id = "export-wrapper",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_KERNEL,
	.summary = "a non-GPL export reaches GPL-only exports through its code",
	.description = "An EXPORT_SYMBOL function whose code references a "
		       "GPL-only export, directly or through functions that are "
		       "not exported (at most --max-depth steps): it hands "
		       "GPL-only functionality to every module.",
	.help = "Make the wrapper EXPORT_SYMBOL_GPL if it exists to reach the "
		"GPL-only facility, or waive it with a reason when the use is "
		"incidental (ksymaudit-rules(5)).",
	.run_kernel = run_kernel,
	.run_diff = run_diff,
};
