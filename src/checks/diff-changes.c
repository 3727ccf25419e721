/*
 * diff for the checks tree runs (inline-exposure, export-wrapper): findings
 * matched between OLD and NEW by their identity (ka_finding_fingerprint),
 * so a dashboard sees the same check ids and fields as from tree, each
 * with what changed.
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

/* A finding of one side with every field tree gives it, for diff. */
static struct ka_finding *copy(struct ka_findings *dst,
			       const struct ka_finding *src)
{
	struct ka_finding *f = ka_finding_copy(dst, src);
	f->rank = 0; /* diff orders by place, not by tree's ranking */
	return f;
}

static int strcmp0(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Indices of the findings of check in fs, with their fingerprints. */
struct side {
	const struct ka_finding **v;
	char (*fp)[17];
	bool *matched;
	size_t n;
	struct hashmap by_fp;
};

static void side_init(struct side *s, const struct ka_findings *fs,
		      const char *check)
{
	*s = (struct side){ 0 };
	s->v = xcalloc(fs->n + 1, sizeof(*s->v));
	s->fp = xcalloc(fs->n + 1, sizeof(*s->fp));
	s->matched = xcalloc(fs->n + 1, sizeof(*s->matched));
	for (size_t i = 0; i < fs->n; i++) {
		if (strcmp(fs->v[i].check, check) != 0)
			continue;
		s->v[s->n] = &fs->v[i];
		ka_finding_fingerprint(&fs->v[i], s->fp[s->n]);
		s->n++;
	}
	/* Keys point into fp, which no longer moves. */
	for (size_t i = 0; i < s->n; i++)
		if (!hashmap_get(&s->by_fp, s->fp[i]))
			hashmap_put(&s->by_fp, s->fp[i], (void *)(uintptr_t)(i + 1));
}

static void side_free(struct side *s)
{
	free(s->v);
	free(s->fp);
	free(s->matched);
	hashmap_free(&s->by_fp);
}

/* The GPL-only symbols a finding names in full: wrapper targets, or an
 * inline's own symbols. */
static void gpl_names(const struct ka_finding *f, struct strvec *out)
{
	for (size_t i = 0; i < f->n_targets; i++)
		strvec_push(out, f->targets[i].symbol);
	for (size_t i = 0; i < f->n_gpl_symbols; i++)
		strvec_push(out, f->gpl_symbols[i].symbol);
	strvec_sort_unique(out);
}

/*
 * What NEW's GPL-only symbols gained and lost against OLD's ("GPL-only
 * in NEW only: x; in OLD only: y"), or NULL when the sets are the same: a wrapper
 * that reaches one more GPL-only export has changed even where the path
 * it names has not.
 */
/* The names of a that b lacks, ", "-joined, or NULL (owned). */
static char *names_missing(const struct strvec *a, const struct strvec *b)
{
	char *r = NULL;
	for (size_t i = 0; i < a->n; i++) {
		if (strvec_contains(b, a->v[i]))
			continue;
		char *t = xasprintf("%s%s%s", r ? r : "", r ? ", " : "", a->v[i]);
		free(r);
		r = t;
	}
	return r;
}

static char *gpl_change(const struct ka_finding *nf, const struct ka_finding *of)
{
	struct strvec nv = { 0 }, ov = { 0 };
	gpl_names(nf, &nv);
	gpl_names(of, &ov);
	char *gained = names_missing(&nv, &ov), *lost = names_missing(&ov, &nv);
	char *r = NULL;
	if (gained || lost)
		r = xasprintf("GPL-only %s%s%s%s%s", gained ? "in NEW only: " : "",
			      gained ? gained : "", gained && lost ? "; " : "",
			      lost ? "in OLD only: " : "", lost ? lost : "");
	free(gained);
	free(lost);
	strvec_free(&nv);
	strvec_free(&ov);
	return r;
}

/* Adds nf as changed from of; why (owned, may be NULL) joins the note. */
static void changed(struct ka_run *run, const struct ka_finding *nf,
		    const struct ka_finding *of, char *why)
{
	struct ka_finding *f = copy(&run->findings, nf);
	f->change = KA_CHANGE_CHANGED;
	char *note = xasprintf("%s%s%s%sin OLD: %s", f->note ? f->note : "",
			       f->note ? "; " : "", why ? why : "",
			       why ? "; " : "", of->message);
	free(why);
	free(f->note);
	f->note = note;
}

void ka_diff_tree_changes(struct ka_run *run, const struct ka_diff *d,
			  const char *check)
{
	struct side o, n;
	side_init(&o, &d->old_side->findings, check);
	side_init(&n, &d->new_side->findings, check);
	/*
	 * Same identity: the same finding. Identities can repeat (a header
	 * inline seen under two absolute source paths, as in an O= build
	 * whose changed objects were compiled from another tree): each
	 * finding of NEW matches one of OLD with its identity.
	 */
	for (size_t i = 0; i < n.n; i++) {
		uintptr_t k = (uintptr_t)hashmap_get(&o.by_fp, n.fp[i]);
		if (!k)
			continue;
		n.matched[i] = true;
		if (o.matched[k - 1])
			continue;
		o.matched[k - 1] = true;
		char *why = gpl_change(n.v[i], o.v[k - 1]);
		if (why || strcmp(o.v[k - 1]->message, n.v[i]->message) != 0)
			changed(run, n.v[i], o.v[k - 1], why);
	}
	/* And every finding of OLD whose identity NEW has. */
	for (size_t j = 0; j < o.n; j++)
		if (!o.matched[j] && hashmap_get(&n.by_fp, o.fp[j]))
			o.matched[j] = true;
	/* Same module and symbol, another path or file: changed. */
	for (size_t i = 0; i < n.n; i++) {
		if (n.matched[i])
			continue;
		for (size_t j = 0; j < o.n; j++) {
			if (o.matched[j] ||
			    strcmp0(o.v[j]->module, n.v[i]->module) ||
			    strcmp0(o.v[j]->symbol, n.v[i]->symbol))
				continue;
			o.matched[j] = n.matched[i] = true;
			changed(run, n.v[i], o.v[j], gpl_change(n.v[i], o.v[j]));
			break;
		}
	}
	for (size_t i = 0; i < n.n; i++)
		if (!n.matched[i])
			copy(&run->findings, n.v[i])->change = KA_CHANGE_NEW;
	for (size_t j = 0; j < o.n; j++) {
		if (o.matched[j])
			continue;
		struct ka_finding *f = copy(&run->findings, o.v[j]);
		f->change = KA_CHANGE_GONE;
		f->severity = KA_SEV_NOTE;
	}
	side_free(&o);
	side_free(&n);
}
