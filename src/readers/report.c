/*
 * Reads a `ksymaudit tree -j` report back (for diff): exports, findings,
 * header-inline and reach facts. Reports travel as CI artifacts, so every
 * field's type is checked and every problem names the file and the field.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "ksymaudit/input.h"
#include "ksymaudit/report.h"

/* The JSON schema versions this reader understands (emit.h has the
 * current one; readers sit below emitters). */
#define REPORT_SCHEMA_MIN 2
#define REPORT_SCHEMA_MAX 2
/* Larger reports are refused rather than read into memory. */
#define REPORT_MAX_BYTES (1024UL * 1024 * 1024)

struct rd {
	const char *path;
	struct ka_diags *diags;
	struct ka_report *r;
	bool bad;
};

static void KA_PRINTF(3, 4) bad(struct rd *c, const char *where,
				const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	if (!c->bad)
		ka_diag_add(c->diags, true, c->path, 0, "%s: %s", where, m);
	c->bad = true;
	free(m);
}

static json_object *member(json_object *o, const char *key)
{
	json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

/* A string member: required or optional (absent or null gives NULL). */
static bool get_str(struct rd *c, json_object *o, const char *where,
		    const char *key, bool required, const char **out)
{
	json_object *v = member(o, key);
	*out = NULL;
	if (!v || json_object_is_type(v, json_type_null)) {
		if (required)
			bad(c, where, "'%s' is missing", key);
		return !required;
	}
	if (!json_object_is_type(v, json_type_string)) {
		bad(c, where, "'%s' is not a string", key);
		return false;
	}
	*out = json_object_get_string(v);
	return true;
}

/* An unsigned member (absent or null: 0), at most max. */
static bool get_uint(struct rd *c, json_object *o, const char *where,
		     const char *key, uint64_t max, uint64_t *out)
{
	json_object *v = member(o, key);
	*out = 0;
	if (!v || json_object_is_type(v, json_type_null))
		return true;
	if (!json_object_is_type(v, json_type_int)) {
		bad(c, where, "'%s' is not an integer", key);
		return false;
	}
	errno = 0;
	int64_t i = json_object_get_int64(v);
	if (i < 0) {
		bad(c, where, "'%s' is negative", key);
		return false;
	}
	uint64_t u = (uint64_t)i;
	if (i == INT64_MAX) /* json-c saturates: read it as unsigned */
		u = json_object_get_uint64(v);
	if (u > max) {
		bad(c, where, "'%s' is too large", key);
		return false;
	}
	*out = u;
	return true;
}

static json_object *get_array(struct rd *c, json_object *o, const char *where,
			      const char *key, bool required)
{
	json_object *v = member(o, key);
	if (!v || json_object_is_type(v, json_type_null)) {
		if (required)
			bad(c, where, "'%s' is missing", key);
		return NULL;
	}
	if (!json_object_is_type(v, json_type_array)) {
		bad(c, where, "'%s' is not an array", key);
		return NULL;
	}
	return v;
}

static json_object *elem_obj(struct rd *c, json_object *a, size_t i,
			     const char *what, char **where)
{
	json_object *o = json_object_array_get_idx(a, i);
	*where = xasprintf("%s[%zu]", what, i);
	if (!o || !json_object_is_type(o, json_type_object)) {
		bad(c, *where, "not an object");
		return NULL;
	}
	return o;
}

/* An array of strings into sv. */
static bool get_strings(struct rd *c, json_object *o, const char *where,
			const char *key, struct strvec *sv)
{
	json_object *a = get_array(c, o, where, key, false);
	if (c->bad)
		return false;
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);
		if (!s || !json_object_is_type(s, json_type_string)) {
			bad(c, where, "'%s[%zu]' is not a string", key, i);
			return false;
		}
		strvec_push(sv, json_object_get_string(s));
	}
	return true;
}

static bool parse_kind(const char *s, enum ka_ref_kind *k)
{
	for (unsigned i = KA_REF_CALL; i <= KA_REF_DATA; i++)
		if (!strcmp(ka_ref_kind_name((enum ka_ref_kind)i), s)) {
			*k = (enum ka_ref_kind)i;
			return true;
		}
	return false;
}

static bool get_kind(struct rd *c, json_object *o, const char *where,
		     enum ka_ref_kind *k)
{
	const char *s;
	*k = KA_REF_CODE;
	if (!get_str(c, o, where, "kind", false, &s))
		return false;
	if (s && !parse_kind(s, k)) {
		bad(c, where, "unknown reference kind '%s'", s);
		return false;
	}
	return true;
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ---- the run's own inputs and problems (optional) ---- */

static void read_run(struct rd *c, json_object *root)
{
	json_object *a = get_array(c, root, "report", "inputs", false);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "inputs", &where);
		const char *path, *kind, *status;
		if (o && get_str(c, o, where, "path", true, &path) &&
		    get_str(c, o, where, "kind", false, &kind) &&
		    get_str(c, o, where, "status", true, &status)) {
			struct ka_report *r = c->r;
			ARRAY_GROW(r->inputs, r->n_inputs, r->cap_inputs);
			r->inputs[r->n_inputs++] = (struct ka_report_input){
				xstrdup(path), xstrdup(kind ? kind : "?"),
				!strcmp(status, "ok") };
		}
		free(where);
	}
	a = c->bad ? NULL : get_array(c, root, "report", "errors", false);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "errors", &where);
		const char *file, *msg;
		uint64_t line;
		json_object *fatal = o ? member(o, "fatal") : NULL;
		if (o && get_str(c, o, where, "file", false, &file) &&
		    get_uint(c, o, where, "line", UINT_MAX, &line) &&
		    get_str(c, o, where, "message", true, &msg)) {
			if (fatal && !json_object_is_type(fatal, json_type_boolean))
				bad(c, where, "'fatal' is not a boolean");
			else
				ka_diag_add(&c->r->errors,
					    fatal && json_object_get_boolean(fatal),
					    file ? file : "?", (unsigned)line,
					    "%s", msg);
		}
		free(where);
	}
}

/* ---- exports ---- */

static void read_exports(struct rd *c, json_object *root)
{
	json_object *a = get_array(c, root, "report", "exports", true);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "exports", &where);
		const char *sym, *type, *ns, *owner;
		enum ka_export_type t = KA_EXPORT_PLAIN;
		if (o && get_str(c, o, where, "symbol", true, &sym) &&
		    get_str(c, o, where, "type", true, &type) &&
		    get_str(c, o, where, "namespace", false, &ns) &&
		    get_str(c, o, where, "owner", false, &owner)) {
			if (!ka_export_type_parse(type, &t)) {
				bad(c, where, "unknown export type '%s'", type);
			} else if (!*sym) {
				bad(c, where, "empty symbol");
			} else {
				struct ka_export *e = xcalloc(1, sizeof(*e));
				e->name = xstrdup(sym);
				e->ns = ns && *ns ? xstrdup(ns) : NULL;
				e->owner = xstrdup(owner ? owner : "vmlinux");
				e->type = t;
				e->source = KA_SRC_ELF;
				e->origin = xstrdup(c->path);
				ka_exportdb_add(&c->r->exports, e);
			}
		}
		free(where);
	}
}

/* ---- findings ---- */

static const char *intern_check(struct ka_report *r, const char *id)
{
	for (size_t i = 0; i < r->check_ids.n; i++)
		if (!strcmp(r->check_ids.v[i], id))
			return r->check_ids.v[i];
	strvec_push(&r->check_ids, id);
	return r->check_ids.v[r->check_ids.n - 1];
}

static void read_chain(struct rd *c, json_object *so, const char *where,
		       struct ka_site *s)
{
	json_object *a = get_array(c, so, where, "inline_chain", false);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = elem_obj(c, a, i, "inline_chain", &w);
		const char *fn, *df, *cf;
		uint64_t dl, cl;
		if (o && get_str(c, o, w, "function", true, &fn) &&
		    get_str(c, o, w, "decl_file", false, &df) &&
		    get_uint(c, o, w, "decl_line", UINT_MAX, &dl) &&
		    get_str(c, o, w, "call_file", false, &cf) &&
		    get_uint(c, o, w, "call_line", UINT_MAX, &cl))
			ka_inline_chain_push(s, fn, df, (unsigned)dl, cf,
					     (unsigned)cl);
		free(w);
	}
}

static void read_sites(struct rd *c, json_object *fo, const char *where,
		       struct ka_finding *f)
{
	json_object *a = get_array(c, fo, where, "sites", false);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = elem_obj(c, a, i, "sites", &w);
		const char *fn, *file, *scn;
		uint64_t line, off;
		enum ka_ref_kind k;
		json_object *dbg = o ? member(o, "debuginfo") : NULL;
		if (o && get_str(c, o, w, "function", false, &fn) &&
		    get_str(c, o, w, "file", false, &file) &&
		    get_uint(c, o, w, "line", UINT_MAX, &line) &&
		    get_kind(c, o, w, &k) &&
		    get_str(c, o, w, "section", false, &scn) &&
		    get_uint(c, o, w, "offset", UINT64_MAX, &off)) {
			if (dbg && !json_object_is_type(dbg, json_type_boolean)) {
				bad(c, w, "'debuginfo' is not a boolean");
			} else {
				struct ka_site *s = ka_finding_add_site(f);
				s->function = dup0(fn);
				s->file = dup0(file);
				s->line = (unsigned)line;
				s->kind = k;
				s->section = dup0(scn);
				s->offset = off;
				s->has_debuginfo = dbg && json_object_get_boolean(dbg);
				read_chain(c, o, w, s);
			}
		}
		free(w);
	}
}

static void read_path(struct rd *c, json_object *fo, const char *where,
		      struct ka_finding *f)
{
	json_object *a = get_array(c, fo, where, "path", false);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = elem_obj(c, a, i, "path", &w);
		const char *sym;
		enum ka_ref_kind k;
		if (o && get_str(c, o, w, "symbol", true, &sym) &&
		    get_kind(c, o, w, &k))
			ka_finding_add_step(f, sym, k);
		free(w);
	}
}

static void read_findings(struct rd *c, json_object *root)
{
	json_object *a = get_array(c, root, "report", "findings", true);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "findings", &where);
		const char *check, *sev, *module, *file, *symbol, *msg, *note;
		uint64_t line, count;
		enum ka_severity s = KA_SEV_WARNING;
		if (o && get_str(c, o, where, "check", true, &check) &&
		    get_str(c, o, where, "severity", true, &sev) &&
		    get_str(c, o, where, "module", false, &module) &&
		    get_str(c, o, where, "file", false, &file) &&
		    get_uint(c, o, where, "line", UINT_MAX, &line) &&
		    get_str(c, o, where, "symbol", false, &symbol) &&
		    get_str(c, o, where, "message", true, &msg) &&
		    get_str(c, o, where, "note", false, &note) &&
		    get_uint(c, o, where, "count", UINT_MAX, &count)) {
			if (!ka_severity_parse(sev, &s)) {
				bad(c, where, "unknown severity '%s'", sev);
			} else {
				struct ka_finding *f = ka_finding_add(
					&c->r->findings,
					intern_check(c->r, check), s, module,
					file, symbol, "%s", msg);
				f->line = (unsigned)line;
				f->count = (unsigned)count;
				f->note = dup0(note);
				read_sites(c, o, where, f);
				read_path(c, o, where, f);
			}
		}
		free(where);
	}
}

/* ---- facts ---- */

/* gpl_instances: optional, one count per gpl_symbols entry. */
static void read_counts(struct rd *c, json_object *o, const char *where,
			struct ka_inline_fact *u)
{
	json_object *a = get_array(c, o, where, "gpl_instances", false);
	if (!a || c->bad)
		return;
	if (json_object_array_length(a) != u->gpl_symbols.n) {
		bad(c, where, "'gpl_instances' and 'gpl_symbols' differ in length");
		return;
	}
	u->gpl_instances = xcalloc(u->gpl_symbols.n + 1,
				   sizeof(*u->gpl_instances));
	for (size_t i = 0; i < u->gpl_symbols.n; i++) {
		json_object *v = json_object_array_get_idx(a, i);
		int64_t n = v && json_object_is_type(v, json_type_int)
			? json_object_get_int64(v) : -1;
		if (n < 0 || n > UINT_MAX) {
			bad(c, where, "'gpl_instances[%zu]' is not a count", i);
			return;
		}
		u->gpl_instances[i] = (unsigned)n;
	}
}

bool ka_inline_fact_intrinsic(const struct ka_inline_fact *f, size_t i)
{
	if (!f->gpl_instances || i >= f->gpl_symbols.n)
		return true;
	return f->gpl_instances[i] > 0;
}

static void read_inlines(struct rd *c, json_object *root)
{
	struct ka_kfacts *kf = &c->r->facts;
	json_object *a = get_array(c, root, "report", "inline_uses", true);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "inline_uses", &where);
		const char *fn, *decl;
		uint64_t line, inst;
		if (o && get_str(c, o, where, "function", true, &fn) &&
		    get_str(c, o, where, "decl_file", true, &decl) &&
		    get_uint(c, o, where, "decl_line", UINT_MAX, &line) &&
		    get_uint(c, o, where, "instances", UINT_MAX, &inst)) {
			ARRAY_GROW(kf->inlines, kf->n_inlines, kf->cap_inlines);
			struct ka_inline_fact *u = &kf->inlines[kf->n_inlines++];
			*u = (struct ka_inline_fact){
				.function = xstrdup(fn), .decl_file = xstrdup(decl),
				.decl_line = (unsigned)line,
				.instances = (unsigned)inst };
			get_strings(c, o, where, "gpl_symbols", &u->gpl_symbols);
			read_counts(c, o, where, u);
		}
		free(where);
	}
}

static void read_reach(struct rd *c, json_object *root)
{
	struct ka_kfacts *kf = &c->r->facts;
	json_object *r = member(root, "reach");
	if (!r || !json_object_is_type(r, json_type_object)) {
		bad(c, "report", "'reach' is missing or not an object");
		return;
	}
	uint64_t depth;
	if (!get_uint(c, r, "reach", "max_depth", 64, &depth))
		return;
	kf->max_depth = (unsigned)depth;
	json_object *a = get_array(c, r, "reach", "functions", true);
	for (size_t i = 0; a && !c->bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = elem_obj(c, a, i, "reach.functions", &where);
		const char *owner, *fn, *gpl;
		if (o && get_str(c, o, where, "owner", true, &owner) &&
		    get_str(c, o, where, "function", true, &fn) &&
		    get_str(c, o, where, "gpl_export", false, &gpl)) {
			ARRAY_GROW(kf->reach, kf->n_reach, kf->cap_reach);
			struct ka_reach_fact *x = &kf->reach[kf->n_reach++];
			*x = (struct ka_reach_fact){ .owner = xstrdup(owner),
						     .function = xstrdup(fn),
						     .gpl_export = dup0(gpl) };
			get_strings(c, o, where, "plain_path", &x->plain_path);
		}
		free(where);
	}
}

int ka_report_parse(const char *path, const char *buf, size_t len,
		    struct ka_report *r, struct ka_diags *diags)
{
	struct rd c = { .path = path, .diags = diags, .r = r };
	*r = (struct ka_report){ .path = xstrdup(path) };
	if (len > INT_MAX) {
		bad(&c, "report", "too large");
		return -EFBIG;
	}
	struct json_tokener *tok = json_tokener_new();
	json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (root && err == json_tokener_success &&
	    json_tokener_get_parse_end(tok) < len) {
		/* Only white space may follow the document. */
		for (size_t i = json_tokener_get_parse_end(tok); i < len; i++)
			if (!strchr(" \t\r\n", buf[i])) {
				bad(&c, "report", "text after the JSON document "
				    "at byte %zu", i);
				break;
			}
	}
	if (!root || err != json_tokener_success) {
		ka_diag_add(diags, true, path, 0,
			    "not a JSON document: %s at byte %zu",
			    root ? "trailing data"
				 : json_tokener_error_desc(err),
			    json_tokener_get_parse_end(tok));
		c.bad = true;
	}
	json_tokener_free(tok);
	if (c.bad) {
		json_object_put(root);
		return -EINVAL;
	}
	if (!json_object_is_type(root, json_type_object)) {
		bad(&c, "report", "not a JSON object");
		goto out;
	}
	uint64_t ver;
	const char *cmd;
	if (!get_uint(&c, root, "report", "schema_version", INT_MAX, &ver) ||
	    !get_str(&c, root, "report", "command", true, &cmd))
		goto out;
	if (ver < REPORT_SCHEMA_MIN || ver > REPORT_SCHEMA_MAX) {
		bad(&c, "report", "schema_version %llu is not one this "
		    "ksymaudit reads (%d to %d)", (unsigned long long)ver,
		    REPORT_SCHEMA_MIN, REPORT_SCHEMA_MAX);
		goto out;
	}
	if (strcmp(cmd, "tree") != 0) {
		bad(&c, "report", "written by 'ksymaudit %s', not by "
		    "'ksymaudit tree -j'", cmd);
		goto out;
	}
	if (!member(root, "exports")) {
		bad(&c, "report", "no export table: written by an older "
		    "ksymaudit; run 'ksymaudit tree -j' again");
		goto out;
	}
	read_run(&c, root);
	if (!c.bad)
		read_exports(&c, root);
	if (!c.bad)
		read_findings(&c, root);
	if (!c.bad)
		read_inlines(&c, root);
	if (!c.bad)
		read_reach(&c, root);
	if (!c.bad)
		ka_kfacts_sort(&r->facts);
out:
	json_object_put(root);
	return c.bad ? -EINVAL : 0;
}

int ka_report_read(const char *path, struct ka_report *r,
		   struct ka_diags *diags)
{
	*r = (struct ka_report){ 0 };
	/* Through ka_input_read: a FIFO or device is refused, not waited on. */
	char *buf, *why;
	size_t len;
	int rr = ka_input_read(path, &buf, &len, &why);
	if (rr < 0) {
		ka_diag_add(diags, true, path, 0, "cannot read: %s", why);
		free(why);
		return rr;
	}
	if ((uint64_t)len > REPORT_MAX_BYTES) {
		ka_diag_add(diags, true, path, 0,
			    "not a regular file of at most 1 GiB");
		free(buf);
		return -EINVAL;
	}
	buf[len] = '\0';
	int ret = ka_report_parse(path, buf, len, r, diags);
	free(buf);
	return ret;
}

static int cmp_inline(const void *a, const void *b)
{
	const struct ka_inline_fact *x = a, *y = b;
	int c = strcmp(x->decl_file, y->decl_file);
	if (c)
		return c;
	if (x->decl_line != y->decl_line)
		return x->decl_line < y->decl_line ? -1 : 1;
	return strcmp(x->function, y->function);
}

static int cmp_reach(const void *a, const void *b)
{
	const struct ka_reach_fact *x = a, *y = b;
	int c = strcmp(x->owner, y->owner);
	return c ? c : strcmp(x->function, y->function);
}

void ka_kfacts_sort(struct ka_kfacts *f)
{
	if (f->n_inlines > 1)
		qsort(f->inlines, f->n_inlines, sizeof(*f->inlines), cmp_inline);
	if (f->n_reach > 1)
		qsort(f->reach, f->n_reach, sizeof(*f->reach), cmp_reach);
}

void ka_kfacts_free(struct ka_kfacts *f)
{
	for (size_t i = 0; i < f->n_inlines; i++) {
		free(f->inlines[i].function);
		free(f->inlines[i].decl_file);
		strvec_free(&f->inlines[i].gpl_symbols);
		free(f->inlines[i].gpl_instances);
	}
	free(f->inlines);
	for (size_t i = 0; i < f->n_reach; i++) {
		free(f->reach[i].owner);
		free(f->reach[i].function);
		free(f->reach[i].gpl_export);
		strvec_free(&f->reach[i].plain_path);
	}
	free(f->reach);
	*f = (struct ka_kfacts){ 0 };
}

void ka_report_free(struct ka_report *r)
{
	free(r->path);
	for (size_t i = 0; i < r->n_inputs; i++) {
		free(r->inputs[i].path);
		free(r->inputs[i].kind);
	}
	free(r->inputs);
	ka_diags_free(&r->errors);
	ka_exportdb_free(&r->exports);
	ka_findings_free(&r->findings);
	ka_kfacts_free(&r->facts);
	strvec_free(&r->check_ids);
	*r = (struct ka_report){ 0 };
}
