/*
 * waiver-unused, and applying waivers: a finding matched by a waiver is
 * marked waived; a waiver of a check that ran and that matched nothing is
 * reported, so that stale waivers get cleaned up.
 */
#include <fnmatch.h>
#include <string.h>

#include "ksymaudit/checks.h"

static bool where_matches(const char *pat, const struct ka_finding *f)
{
	if (!pat)
		return true;
	if (f->module && fnmatch(pat, f->module, 0) == 0)
		return true;
	if (f->file && fnmatch(pat, f->file, 0) == 0)
		return true;
	/* inline-exposure: the inline's declaration is the first site's. */
	for (size_t i = 0; i < f->n_sites; i++) {
		const struct ka_site *s = &f->sites[i];
		if (s->n_chain && s->chain[s->n_chain - 1].decl_file &&
		    fnmatch(pat, s->chain[s->n_chain - 1].decl_file, 0) == 0)
			return true;
	}
	return false;
}

static bool waiver_matches(const struct ka_waiver *w,
			   const struct ka_finding *f)
{
	return strcmp(w->check, f->check) == 0 && f->symbol &&
	       fnmatch(w->subject, f->symbol, 0) == 0 &&
	       where_matches(w->where, f);
}

static bool check_active(const struct ka_rules *r, const char *id)
{
	return strvec_contains(&r->active_checks, id);
}

void ka_waivers_apply(struct ka_rules *r, struct ka_findings *f)
{
	size_t n = f->n; /* waiver-unused findings are not waivable */
	for (size_t i = 0; i < n; i++) {
		for (size_t k = 0; k < r->n_waivers; k++) {
			struct ka_waiver *w = &r->waivers[k];
			if (!waiver_matches(w, &f->v[i]))
				continue;
			w->matched++;
			if (!f->v[i].waived_by)
				f->v[i].waived_by = w->reason;
		}
	}
	for (size_t k = 0; k < r->n_waivers; k++) {
		const struct ka_waiver *w = &r->waivers[k];
		if (w->matched || !check_active(r, w->check))
			continue;
		struct ka_finding *u = ka_finding_add(
			f, ka_check_waiver_unused.id,
			ka_check_waiver_unused.severity, NULL, w->file,
			w->subject,
			"waiver for %s '%s'%s%s matches no finding; remove it if "
			"the exception is gone (reason: %s)",
			w->check, w->subject, w->where ? " in " : "",
			w->where ? w->where : "", w->reason);
		u->line = w->line;
	}
}

const struct ka_check ka_check_waiver_unused = {
	.id = "waiver-unused",
	.severity = KA_SEV_WARNING,
	.scope = KA_SCOPE_RUN,
	.summary = "a waiver matched no finding",
	.description = "A waiver of a check that ran in this run matched no "
		       "finding: the exception it records is gone, or its "
		       "pattern no longer fits.",
	.help = "Remove the waiver, or correct its CHECK-ID, SUBJECT or "
		"where= pattern (ksymaudit-rules(5)).",
};
