/*
 * export-wrapper: a non-GPL export whose code reaches a GPL-only export,
 * directly or through functions that are not exported (the walk is in
 * src/model/wrappers.c; the tree pass keeps what it found as facts).
 */
#include <math.h>
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
	for (size_t i = 0; i < w->n_targets; i++)
		ka_finding_add_target(f, &w->targets[i]);
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

/*
 * Ranking: what a non-GPL module gains through the wrapper, for the
 * wrappers a maintainer must look at first.
 *
 * Each GPL-only target T weighs w(T) = e(T) / sqrt(n(T)), where n(T) is the
 * number of wrappers in the build that reach T (a facility reachable
 * through hundreds of exports is nothing a single wrapper hands out) and
 * e(T) is 0.1 when a header inline already exposes T to every module
 * (inline-exposure: __rcu_read_lock through rcu_read_lock), else 1, and
 * half of that when the wrapper only takes T's address instead of calling
 * it (fwnode->ops == &acpi_data_fwnode_ops hands out nothing). The
 * gain is the heaviest target plus a tenth of the others. Thin wrappers
 * first: the gain is divided by 1 + log2(1 + size/64), size being the
 * export's code bytes, and by the steps of the path to that target.
 * score = 100 * gain / ((1 + log2(1 + size/64)) * steps).
 *
 * Plumbing is ranked apart, after every other wrapper, with score 0:
 * static-call trampolines (__SCT__*) exported as such, and targets that are
 * tracepoint, static-call or static-key machinery (__tracepoint_*,
 * __SCK__*, __SCT__*, __static_call_*, or reached as a static key or
 * static call): they instrument the code, they hand out nothing.
 */
static bool plumbing_name(const char *s)
{
	return !strncmp(s, "__SCT__", 7) || !strncmp(s, "__SCK__", 7) ||
	       !strncmp(s, "__tracepoint_", 13) ||
	       !strncmp(s, "__static_call", 13);
}

static bool plumbing_target(const struct ka_wrapper_target *t)
{
	if (plumbing_name(t->symbol))
		return true;
	enum ka_ref_kind k = t->steps[t->n_steps - 1].kind;
	return k == KA_REF_STATIC_KEY || k == KA_REF_STATIC_CALL;
}

struct rank_ent {
	size_t idx;
	bool plumbing;
	double score;
	const char *symbol;
};

static int cmp_rank(const void *a, const void *b)
{
	const struct rank_ent *x = a, *y = b;
	if (x->plumbing != y->plumbing)
		return x->plumbing ? 1 : -1;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->symbol, y->symbol);
}

/* Counts per GPL-only target: wrappers reaching it; inline exposure. */
struct target_facts {
	struct hashmap wrappers; /* symbol -> count (as a pointer) */
	struct hashmap inlined;  /* symbol -> non-NULL when exposed */
};

static void facts_build(struct target_facts *t, const struct ka_tree_result *res)
{
	*t = (struct target_facts){ 0 };
	const struct ka_kfacts *kf = &res->facts;
	for (size_t i = 0; i < kf->n_wrappers; i++)
		for (size_t k = 0; k < kf->wrappers[i].n_targets; k++) {
			const char *s = kf->wrappers[i].targets[k].symbol;
			uintptr_t n = (uintptr_t)hashmap_get(&t->wrappers, s);
			hashmap_put(&t->wrappers, s, (void *)(n + 1));
		}
	for (size_t i = 0; i < kf->n_uses; i++) {
		const struct ka_inline_use *u = kf->uses[i];
		for (size_t k = 0; k < u->n_syms; k++)
			if (u->syms[k].own)
				hashmap_put(&t->inlined, u->syms[k].symbol,
					    (void *)u);
	}
}

static double score_of(const struct ka_wrapper_fact *w,
		       const struct target_facts *t, bool *plumbing)
{
	double best = 0, sum = 0;
	size_t best_steps = 1;
	*plumbing = !strncmp(w->symbol, "__SCT__", 7);
	bool any = false;
	for (size_t k = 0; k < w->n_targets && !*plumbing; k++) {
		const struct ka_wrapper_target *x = &w->targets[k];
		if (plumbing_target(x))
			continue;
		any = true;
		uintptr_t n = (uintptr_t)hashmap_get(&t->wrappers, x->symbol);
		double e = hashmap_get(&t->inlined, x->symbol) ? 0.1 : 1.0;
		if (x->steps[x->n_steps - 1].kind != KA_REF_CALL)
			e *= 0.5; /* an address taken: often a comparison */
		double v = e / sqrt(n ? (double)n : 1.0);
		sum += v;
		if (v > best) {
			best = v;
			best_steps = x->n_steps;
		}
	}
	if (!any) {
		*plumbing = true;
		return 0;
	}
	double gain = best + 0.1 * (sum - best);
	double thin = 1.0 + log2(1.0 + (double)w->size / 64.0);
	return 100.0 * gain / (thin * (double)best_steps);
}

static void run_kernel(struct ka_run *run, const struct ka_tree_result *res)
{
	if (!res)
		return;
	struct ka_findings local = { 0 };
	struct target_facts tf;
	facts_build(&tf, res);
	const struct ka_kfacts *kf = &res->facts;
	struct rank_ent *r = xcalloc(kf->n_wrappers + 1, sizeof(*r));
	for (size_t i = 0; i < kf->n_wrappers; i++) {
		const struct ka_wrapper_fact *w = &kf->wrappers[i];
		struct ka_finding *f = report(w, &local);
		bool plumbing;
		double score = score_of(w, &tf, &plumbing);
		f->score = round(score * 1000.0) / 1000.0;
		f->has_score = true;
		r[i] = (struct rank_ent){ i, plumbing, f->score, w->symbol };
		if (plumbing) {
			char *n = xasprintf("%s%splumbing (static call, "
					    "tracepoint or static key): ranked "
					    "after the others",
					    f->note ? f->note : "",
					    f->note ? "; " : "");
			free(f->note);
			f->note = n;
		}
	}
	qsort(r, kf->n_wrappers, sizeof(*r), cmp_rank);
	for (size_t i = 0; i < kf->n_wrappers; i++)
		local.v[r[i].idx].rank = (unsigned)(i + 1);
	free(r);
	hashmap_free(&tf.wrappers);
	hashmap_free(&tf.inlined);
	for (size_t i = 0; i < local.n; i++) {
		ARRAY_GROW(run->findings.v, run->findings.n, run->findings.cap);
		run->findings.v[run->findings.n++] = local.v[i];
	}
	free(local.v);
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
