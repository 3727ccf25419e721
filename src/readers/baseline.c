/*
 * --baseline: reads the findings of an earlier JSON report (only their
 * identity) and tells this run's findings new from unchanged. Hostile input
 * is expected: every member is type-checked and every problem names the
 * file and the member.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonread.h"
#include "ksymaudit/baseline.h"

static bool is_fingerprint(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 16;
}

/* The identity of a report finding without "fingerprint" (older reports). */
static bool fingerprint_of(struct ka_jread *c, json_object *o,
			   const char *where, struct ka_finding *f,
			   char buf[17])
{
	const char *file;
	json_object *path;

	if (!ka_jread_str(c, o, where, "file", false, &file))
		return false;
	f->file = (char *)file;
	path = ka_jread_array(c, o, where, "path", false);
	size_t n = path ? json_object_array_length(path) : 0;
	f->path = xcalloc(n ? n : 1, sizeof(*f->path));
	for (size_t i = 0; i < n && !c->bad; i++) {
		char *w;
		json_object *st = ka_jread_elem(c, path, i, "path", &w);
		const char *sym;
		char *at = xasprintf("%s.%s", where, w);
		if (st && ka_jread_str(c, st, at, "symbol", true, &sym))
			f->path[f->n_path++].symbol = (char *)sym;
		free(at);
		free(w);
	}
	if (!c->bad)
		ka_finding_fingerprint(f, buf);
	free(f->path);
	return !c->bad;
}

static void read_finding(struct ka_jread *c, json_object *a, size_t idx,
			 struct ka_baseline *b)
{
	const char *check, *module, *symbol, *message, *fp;
	struct ka_baseline_entry e = {0};
	char *where;
	json_object *o = ka_jread_elem(c, a, idx, "findings", &where);

	if (!o || !ka_jread_str(c, o, where, "check", true, &check) ||
	    !ka_jread_str(c, o, where, "module", false, &module) ||
	    !ka_jread_str(c, o, where, "symbol", false, &symbol) ||
	    !ka_jread_str(c, o, where, "message", false, &message) ||
	    !ka_jread_str(c, o, where, "fingerprint", false, &fp))
		goto out;
	if (!*check) {
		ka_jread_bad(c, where, "'check' is empty");
		goto out;
	}
	if (fp) {
		if (!is_fingerprint(fp)) {
			ka_jread_bad(c, where, "'fingerprint' is not 16 "
				     "lower-case hex digits");
			goto out;
		}
		memcpy(e.fingerprint, fp, 17);
	} else {
		struct ka_finding f = {.check = check, .module = (char *)module,
				       .symbol = (char *)symbol};
		if (!fingerprint_of(c, o, where, &f, e.fingerprint))
			goto out;
	}
	e.check = xstrdup(check);
	e.module = module ? xstrdup(module) : NULL;
	e.symbol = symbol ? xstrdup(symbol) : NULL;
	e.message = message ? xstrdup(message) : NULL;
	ARRAY_GROW(b->v, b->n, b->cap);
	b->v[b->n++] = e;
out:
	free(where);
}

int ka_baseline_load(const char *path, struct ka_baseline *b,
		     struct ka_diags *diags)
{
	struct ka_jread c = {.path = path, .label = "baseline", .diags = diags};
	const char *command;
	json_object *root, *findings;
	int r;

	*b = (struct ka_baseline){.path = xstrdup(path)};
	root = ka_jread_file(&c, &r);
	if (!root)
		return r;
	if (ka_jread_head(&c, root, KA_JSON_SCHEMA_OLDEST_BASELINE, &command)) {
		b->command = command ? xstrdup(command) : NULL;
		findings = ka_jread_array(&c, root, NULL, "findings", true);
		size_t n = findings ? json_object_array_length(findings) : 0;
		for (size_t i = 0; i < n && !c.bad; i++)
			read_finding(&c, findings, i, b);
	}
	json_object_put(root);
	return c.bad ? -EINVAL : 0;
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct ka_baseline_entry *)a)->fingerprint,
		      ((const struct ka_baseline_entry *)b)->fingerprint);
}

void ka_baseline_apply(struct ka_baseline *b, struct ka_findings *f)
{
	char fp[17];

	if (b->n > 1)
		qsort(b->v, b->n, sizeof(*b->v), cmp_entry);
	b->n_new = b->n_unchanged = b->n_absent = 0;
	for (size_t i = 0; i < b->n; i++)
		b->v[i].matched = false;
	for (size_t i = 0; i < f->n; i++) {
		struct ka_baseline_entry key = {0}, *e = NULL;
		memcpy(key.fingerprint, ka_finding_fingerprint(&f->v[i], fp), 17);
		if (b->n)
			e = bsearch(&key, b->v, b->n, sizeof(*b->v), cmp_entry);
		/* The first unmatched entry of the run of equal fingerprints. */
		while (e && e > b->v && !strcmp(e[-1].fingerprint, fp))
			e--;
		while (e && e < b->v + b->n && e->matched &&
		       !strcmp(e->fingerprint, fp))
			e++;
		if (e && e < b->v + b->n && !e->matched &&
		    !strcmp(e->fingerprint, fp)) {
			e->matched = true;
			f->v[i].baseline = KA_BASELINE_UNCHANGED;
			b->n_unchanged++;
		} else {
			f->v[i].baseline = KA_BASELINE_NEW;
			b->n_new++;
		}
	}
	for (size_t i = 0; i < b->n; i++)
		b->n_absent += !b->v[i].matched;
}

void ka_baseline_free(struct ka_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->v[i].check);
		free(b->v[i].module);
		free(b->v[i].symbol);
		free(b->v[i].message);
	}
	free(b->v);
	free(b->path);
	free(b->command);
	*b = (struct ka_baseline){0};
}
