/*
 * --baseline: reads the findings of an earlier JSON report (only their
 * identity) and tells this run's findings new from unchanged. Hostile input
 * is expected: every member is type-checked and every problem names the
 * file and the member.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "ksymaudit/baseline.h"
#include "ksymaudit/input.h"

/* JSON reports are written by us: nothing nests deeper than a few levels. */
#define BASELINE_MAX_DEPTH 32
/* A whole-kernel report with every site is tens of MB; json-c takes an int. */
#define BASELINE_MAX_SIZE (1024L * 1024 * 1024)

struct ctx {
	const char *path;
	struct ka_diags *diags;
};

static int bad(const struct ctx *c, const char *fmt, ...) KA_PRINTF(2, 3);
static int bad(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	ka_diag_add(c->diags, true, c->path, 0, "baseline: %s", m);
	free(m);
	return -EINVAL;
}

/*
 * Member key of o as a string: *out is NULL when absent or JSON null
 * (allowed only when nullable), else the string. Returns 0 or -EINVAL.
 */
static int get_str(const struct ctx *c, struct json_object *o, const char *key,
		   size_t idx, bool nullable, const char **out)
{
	struct json_object *v = NULL;

	*out = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (nullable)
			return 0;
		return bad(c, "findings[%zu]: no \"%s\"", idx, key);
	}
	if (!json_object_is_type(v, json_type_string))
		return bad(c, "findings[%zu].%s is not a string", idx, key);
	if (strlen(json_object_get_string(v)) !=
	    (size_t)json_object_get_string_len(v))
		return bad(c, "findings[%zu].%s contains a NUL byte", idx, key);
	*out = json_object_get_string(v);
	return 0;
}

static bool is_fingerprint(const char *s)
{
	size_t n = 0;
	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 16;
}

/* The identity of a report finding without "fingerprint" (older reports). */
static int fingerprint_of(const struct ctx *c, struct json_object *o,
			  size_t idx, const char *check, const char *module,
			  const char *symbol, char buf[17])
{
	struct ka_finding f = {.check = check};
	struct json_object *path = NULL;
	const char *file;
	int r = 0;

	if (get_str(c, o, "file", idx, true, &file) < 0)
		return -EINVAL;
	f.module = (char *)module;
	f.symbol = (char *)symbol;
	f.file = (char *)file;
	if (json_object_object_get_ex(o, "path", &path) && path) {
		if (!json_object_is_type(path, json_type_array))
			return bad(c, "findings[%zu].path is not an array", idx);
		size_t n = json_object_array_length(path);
		f.path = xcalloc(n ? n : 1, sizeof(*f.path));
		for (size_t i = 0; i < n && r == 0; i++) {
			struct json_object *st = json_object_array_get_idx(path, i);
			struct json_object *sym = NULL;
			if (!json_object_is_type(st, json_type_object) ||
			    !json_object_object_get_ex(st, "symbol", &sym) ||
			    !json_object_is_type(sym, json_type_string))
				r = bad(c, "findings[%zu].path[%zu] has no string \"symbol\"",
					idx, i);
			else
				f.path[f.n_path++].symbol =
					(char *)json_object_get_string(sym);
		}
	}
	if (r == 0)
		ka_finding_fingerprint(&f, buf);
	free(f.path);
	return r;
}

static int read_finding(const struct ctx *c, struct json_object *o, size_t idx,
			struct ka_baseline *b)
{
	const char *check, *module, *symbol, *message, *fp;
	struct ka_baseline_entry e = {0};

	if (!json_object_is_type(o, json_type_object))
		return bad(c, "findings[%zu] is not an object", idx);
	if (get_str(c, o, "check", idx, false, &check) < 0 ||
	    get_str(c, o, "module", idx, true, &module) < 0 ||
	    get_str(c, o, "symbol", idx, true, &symbol) < 0 ||
	    get_str(c, o, "message", idx, true, &message) < 0 ||
	    get_str(c, o, "fingerprint", idx, true, &fp) < 0)
		return -EINVAL;
	if (!*check)
		return bad(c, "findings[%zu].check is empty", idx);
	if (fp) {
		if (!is_fingerprint(fp))
			return bad(c, "findings[%zu].fingerprint is not 16 lower-case hex digits",
				   idx);
		memcpy(e.fingerprint, fp, 17);
	} else if (fingerprint_of(c, o, idx, check, module, symbol,
				  e.fingerprint) < 0) {
		return -EINVAL;
	}
	e.check = xstrdup(check);
	e.module = module ? xstrdup(module) : NULL;
	e.symbol = symbol ? xstrdup(symbol) : NULL;
	e.message = message ? xstrdup(message) : NULL;
	ARRAY_GROW(b->v, b->n, b->cap);
	b->v[b->n++] = e;
	return 0;
}

static int read_report(const struct ctx *c, struct json_object *root,
		       struct ka_baseline *b)
{
	struct json_object *v = NULL, *findings = NULL;

	if (!json_object_is_type(root, json_type_object))
		return bad(c, "not a ksymaudit JSON report (not an object)");
	if (!json_object_object_get_ex(root, "schema_version", &v) ||
	    !json_object_is_type(v, json_type_int))
		return bad(c, "not a ksymaudit JSON report (no \"schema_version\"; write it with -j)");
	/* 2 added gpl_symbols, targets and score; what a baseline matches
	 * on (the fingerprint's fields) is the same in both. */
	if (json_object_get_int64(v) != 1 && json_object_get_int64(v) != 2)
		return bad(c, "schema_version %lld is not supported (only 1 and 2)",
			   (long long)json_object_get_int64(v));
	if (json_object_object_get_ex(root, "command", &v) && v) {
		if (!json_object_is_type(v, json_type_string))
			return bad(c, "\"command\" is not a string");
		b->command = xstrdup(json_object_get_string(v));
	}
	if (!json_object_object_get_ex(root, "findings", &findings) ||
	    !json_object_is_type(findings, json_type_array))
		return bad(c, "no \"findings\" array");
	size_t n = json_object_array_length(findings);
	for (size_t i = 0; i < n; i++)
		if (read_finding(c, json_object_array_get_idx(findings, i), i, b) < 0)
			return -EINVAL;
	return 0;
}

/*
 * The whole file into *buf (NUL-terminated), at most BASELINE_MAX_SIZE,
 * through ka_input_read: a FIFO or device is refused, not waited on.
 */
static int slurp(const struct ctx *c, char **buf, size_t *len)
{
	char *why;
	int r = ka_input_read(c->path, buf, len, &why);

	if (r < 0) {
		ka_diag_add(c->diags, true, c->path, 0, "baseline: %s",
			    r == -EISDIR ? strerror(EISDIR) : why);
		free(why);
		return r;
	}
	if (*len > (size_t)BASELINE_MAX_SIZE) {
		free(*buf);
		*buf = NULL;
		return bad(c, "larger than %ld MB", BASELINE_MAX_SIZE >> 20);
	}
	return 0;
}

int ka_baseline_load(const char *path, struct ka_baseline *b,
		     struct ka_diags *diags)
{
	const struct ctx c = {path, diags};
	struct json_tokener *tok;
	struct json_object *root;
	char *buf;
	size_t len = 0;
	int r;

	*b = (struct ka_baseline){.path = xstrdup(path)};
	if ((r = slurp(&c, &buf, &len)) < 0)
		return r;
	if (len == 0) {
		free(buf);
		return bad(&c, "empty file");
	}
	tok = json_tokener_new_ex(BASELINE_MAX_DEPTH);
	if (!tok)
		abort(); /* out of memory, as xmalloc */
	root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root || err != json_tokener_success) {
		r = bad(&c, "not JSON: %s at byte %zu",
			err == json_tokener_continue ? "unexpected end of file"
						     : json_tokener_error_desc(err),
			end);
	} else {
		while (end < len && strchr(" \t\r\n", buf[end]))
			end++;
		if (end < len)
			r = bad(&c, "not JSON: trailing data at byte %zu", end);
		else
			r = read_report(&c, root, b);
	}
	json_object_put(root);
	free(buf);
	return r;
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
