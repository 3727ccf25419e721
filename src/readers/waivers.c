/*
 * Waivers: reviewed exceptions, read from rules files (ksymaudit-rules(5),
 * WAIVERS), applied to the findings of a run. One waiver a line:
 *
 *   CHECK-ID  SUBJECT  [where=PATTERN]  reason="TEXT"
 *
 * SUBJECT (symbol or inline) and PATTERN (module name or path) are fnmatch
 * patterns; the reason is mandatory.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/findings.h"
#include "ksymaudit/rules.h"

static char *next_field(char **p)
{
	char *s = *p;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NULL;
	char *e = s;
	while (*e && *e != ' ' && *e != '\t')
		e++;
	*p = *e ? e + 1 : e;
	*e = '\0';
	return s;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
			 e[-1] == '\t'))
		e--;
	*e = '\0';
	return s;
}

static bool parse_line(char *line, struct ka_waiver *w, const char **why)
{
	char *r = strstr(line, "reason=\"");
	char *end = r ? strrchr(r + 8, '"') : NULL;
	if (!r || !end) {
		*why = "no reason: a waiver needs reason=\"TEXT\"";
		return false;
	}
	*end = '\0';
	char *reason = trim(r + 8);
	if (!*reason) {
		*why = "empty reason";
		return false;
	}
	if (*trim(end + 1)) {
		*why = "text after the reason";
		return false;
	}
	*r = '\0';
	char *p = line;
	char *check = next_field(&p), *subject = next_field(&p);
	char *where = next_field(&p), *extra = next_field(&p);
	if (!check || !subject) {
		*why = "expected CHECK-ID SUBJECT [where=PATTERN] reason=\"TEXT\"";
		return false;
	}
	if (where && !str_starts(where, "where=")) {
		*why = "expected where=PATTERN or reason=\"TEXT\" after the subject";
		return false;
	}
	if (extra || (where && !where[6])) {
		*why = extra ? "too many fields before the reason"
			     : "empty where= pattern";
		return false;
	}
	*w = (struct ka_waiver){
		.check = xstrdup(check),
		.subject = xstrdup(subject),
		.where = where ? xstrdup(where + 6) : NULL,
		.reason = xstrdup(reason),
	};
	return true;
}

int ka_waivers_load(const char *path, struct ka_rules *r,
		    struct ka_diags *diags)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		int err = -errno;
		ka_diag_add(diags, true, path, 0, "%s", strerror(-err));
		return err;
	}
	char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		struct ka_waiver w;
		const char *why;
		if (!parse_line(s, &w, &why)) {
			ka_diag_add(diags, false, path, lineno,
				    "malformed waiver skipped: %s", why);
			continue;
		}
		w.file = xstrdup(path);
		w.line = lineno;
		ARRAY_GROW(r->waivers, r->n_waivers, r->cap_waivers);
		r->waivers[r->n_waivers++] = w;
	}
	free(line);
	fclose(f);
	return 0;
}

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
	if (r->active_checks.n)
		return strvec_contains(&r->active_checks, id);
	for (const struct ka_check *const *c = ka_module_checks; *c; c++)
		if (strcmp((*c)->id, id) == 0)
			return true;
	return false;
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
			f, "waiver-unused", KA_SEV_WARNING, NULL, w->file,
			w->subject,
			"waiver for %s '%s'%s%s matches no finding; remove it if "
			"the exception is gone (reason: %s)",
			w->check, w->subject, w->where ? " in " : "",
			w->where ? w->where : "", w->reason);
		u->line = w->line;
	}
}
