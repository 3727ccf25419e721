/*
 * export-door (diff): the HMM case. A non-GPL export of NEW reaches, through
 * unexported code, a function that in OLD only GPL-only exports reached:
 * NEW opens GPL-only functionality to every module. Reachability is the
 * export-wrapper walk (same depth, stops at exports), kept per kernel as
 * reach facts (src/model/reach.c).
 */
#include <stdlib.h>

#include "ksymaudit/checks.h"

/* One door: the export, and the path from it to the code it opens. */
struct door {
	const char *owner, *export;
	const struct strvec *path; /* export first; NULL: the export itself */
	const char *function, *gpl_export;
};

static int cmp_door(const void *a, const void *b)
{
	const struct door *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	if (!c)
		c = strcmp(x->export, y->export);
	size_t lx = x->path ? x->path->n : 1, ly = y->path ? y->path->n : 1;
	if (!c && lx != ly)
		c = lx < ly ? -1 : 1;
	if (!c)
		c = strcmp(x->function, y->function);
	return c;
}

static void report(struct ka_run *run, const struct ka_diff *d,
		   const struct door *v, size_t n)
{
	const struct door *best = &v[0];
	const struct ka_export *x = ka_exportdb_find(&d->new_side->exports,
						     best->export);
	const char *type = ka_export_type_name(x ? x->type : KA_EXPORT_PLAIN);
	struct ka_finding *f;
	if (!best->path) {
		f = ka_finding_add(&run->findings, ka_check_export_door.id,
				   ka_check_export_door.severity, best->owner,
				   NULL, best->export,
				   "%s '%s' opens code that only GPL-only exports "
				   "reached before (e.g. '%s'): it was not exported",
				   type, best->export, best->gpl_export);
	} else {
		f = ka_finding_add(&run->findings, ka_check_export_door.id,
				   ka_check_export_door.severity, best->owner,
				   NULL, best->export,
				   "%s '%s' reaches '%s', which only GPL-only "
				   "exports reached before (e.g. '%s')",
				   type, best->export, best->function,
				   best->gpl_export);
		for (size_t i = 1; i < best->path->n; i++)
			ka_finding_add_step(f, best->path->v[i], KA_REF_CALL);
	}
	f->change = KA_CHANGE_NEW;
	if (n > 1) {
		char *list = xstrdup("");
		for (size_t i = 0; i < n; i++) {
			char *l = xasprintf("%s%s%s", list, i ? ", " : "",
					    v[i].function);
			free(list);
			list = l;
		}
		f->note = xasprintf("opens %zu functions in all: %s", n, list);
		free(list);
	}
}

static void run_diff(struct ka_run *run, const struct ka_diff *d)
{
	const struct ka_report *o = d->old_side, *nw = d->new_side;
	struct door *v = NULL;
	size_t n = 0, cap = 0;
	/* Unexported code a non-GPL export of NEW reaches. */
	for (size_t i = 0; i < nw->facts.n_reach; i++) {
		const struct ka_reach_fact *r = &nw->facts.reach[i];
		if (!r->plain_path.n)
			continue;
		const struct ka_reach_fact *old = ka_report_reach(o, r->owner,
								  r->function);
		if (!old || !old->gpl_export || old->plain_path.n)
			continue;
		ARRAY_GROW(v, n, cap);
		v[n++] = (struct door){ r->owner, r->plain_path.v[0],
					&r->plain_path, r->function,
					old->gpl_export };
	}
	/* Non-GPL exports of NEW that were such code in OLD. */
	const struct ka_exportdb *db = &nw->exports;
	for (size_t i = 0; i < db->n; i++) {
		const struct ka_export *x = db->all[i];
		if (ka_exportdb_find(db, x->name) != x ||
		    ka_export_type_is_gpl_only(x->type) ||
		    ka_exportdb_find(&o->exports, x->name))
			continue;
		const char *owner = x->owner ? x->owner : "vmlinux";
		const struct ka_reach_fact *old = ka_report_reach(o, owner,
								  x->name);
		if (!old || !old->gpl_export || old->plain_path.n)
			continue;
		ARRAY_GROW(v, n, cap);
		v[n++] = (struct door){ old->owner, x->name, NULL, x->name,
					old->gpl_export };
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_door);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && !strcmp(v[j].owner, v[i].owner) &&
		       !strcmp(v[j].export, v[i].export))
			j++;
		report(run, d, &v[i], j - i);
		i = j;
	}
	free(v);
}

const struct ka_check ka_check_export_door = {
	.id = "export-door",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_DIFF,
	.summary = "a new non-GPL export reaches code only GPL-only exports reached",
	.description = "diff: an EXPORT_SYMBOL function of NEW whose code "
		       "reaches, through unexported functions (at most "
		       "--max-depth steps), a function that in OLD no non-GPL "
		       "export reached and GPL-only ones did; or a function of "
		       "that kind that NEW exports itself. NEW hands GPL-only "
		       "functionality to every module (the HMM "
		       "hmm_devmem_add() case).",
	.help = "Export the new entry point with EXPORT_SYMBOL_GPL, or waive "
		"it with a reason when the shared code is incidental "
		"(ksymaudit-rules(5)).",
	.run_diff = run_diff,
};
