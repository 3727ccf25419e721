/*
 * Reads a `ksymaudit tree -j` report back (for diff): exports, findings,
 * header-inline and reach facts. Reports travel as CI artifacts, so every
 * field's type is checked and every problem names the file and the field.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "jsonread.h"
#include "ksymaudit/report.h"

struct rd {
	struct ka_jread j;
	struct ka_report *r;
};

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* ---- the run's own inputs and problems (optional) ---- */

static void read_run(struct rd *c, json_object *root)
{
	json_object *a = ka_jread_array(&c->j, root, NULL, "inputs", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "inputs", &where);
		const char *path, *kind, *status;
		if (o && ka_jread_str(&c->j, o, where, "path", true, &path) &&
		    ka_jread_str(&c->j, o, where, "kind", false, &kind) &&
		    ka_jread_str(&c->j, o, where, "status", true, &status)) {
			struct ka_report *r = c->r;
			ARRAY_GROW(r->inputs, r->n_inputs, r->cap_inputs);
			r->inputs[r->n_inputs++] = (struct ka_report_input){
				xstrdup(path), xstrdup(kind ? kind : "?"),
				!strcmp(status, "ok") };
		}
		free(where);
	}
	a = c->j.bad ? NULL : ka_jread_array(&c->j, root, NULL, "errors", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "errors", &where);
		const char *file, *msg;
		uint64_t line;
		bool fatal;
		if (o && ka_jread_str(&c->j, o, where, "file", false, &file) &&
		    ka_jread_uint(&c->j, o, where, "line", UINT_MAX, &line) &&
		    ka_jread_str(&c->j, o, where, "message", true, &msg) &&
		    ka_jread_bool(&c->j, o, where, "fatal", &fatal))
			ka_diag_add(&c->r->errors, fatal, file, (unsigned)line,
				    "%s", msg); /* file: NULL for the run */
		free(where);
	}
}

/* ---- exports ---- */

static void read_exports(struct rd *c, json_object *root)
{
	json_object *a = ka_jread_array(&c->j, root, NULL, "exports", true);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "exports", &where);
		const char *sym, *type, *ns, *owner;
		enum ka_export_type t = KA_EXPORT_PLAIN;
		if (o && ka_jread_str(&c->j, o, where, "symbol", true, &sym) &&
		    ka_jread_str(&c->j, o, where, "type", true, &type) &&
		    ka_jread_str(&c->j, o, where, "namespace", false, &ns) &&
		    ka_jread_str(&c->j, o, where, "owner", false, &owner)) {
			if (!ka_export_type_parse(type, &t)) {
				ka_jread_bad(&c->j, where, "unknown export type '%s'", type);
			} else if (!*sym) {
				ka_jread_bad(&c->j, where, "empty symbol");
			} else {
				struct ka_export *e = xcalloc(1, sizeof(*e));
				e->name = xstrdup(sym);
				e->ns = ns && *ns ? xstrdup(ns) : NULL;
				e->owner = xstrdup(owner ? owner : "vmlinux");
				e->type = t;
				e->source = KA_SRC_ELF;
				e->origin = xstrdup(c->j.path);
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
	json_object *a = ka_jread_array(&c->j, so, where, "inline_chain", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = ka_jread_elem(&c->j, a, i, "inline_chain", &w);
		const char *fn, *df, *cf;
		uint64_t dl, cl;
		if (o && ka_jread_str(&c->j, o, w, "function", true, &fn) &&
		    ka_jread_str(&c->j, o, w, "decl_file", false, &df) &&
		    ka_jread_uint(&c->j, o, w, "decl_line", UINT_MAX, &dl) &&
		    ka_jread_str(&c->j, o, w, "call_file", false, &cf) &&
		    ka_jread_uint(&c->j, o, w, "call_line", UINT_MAX, &cl))
			ka_inline_chain_push(s, fn, df, (unsigned)dl, cf,
					     (unsigned)cl);
		free(w);
	}
}

static void read_sites(struct rd *c, json_object *fo, const char *where,
		       struct ka_finding *f)
{
	json_object *a = ka_jread_array(&c->j, fo, where, "sites", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = ka_jread_elem(&c->j, a, i, "sites", &w);
		const char *fn, *file, *scn;
		uint64_t line, off;
		enum ka_ref_kind k;
		bool dbg;
		if (o && ka_jread_str(&c->j, o, w, "function", false, &fn) &&
		    ka_jread_str(&c->j, o, w, "file", false, &file) &&
		    ka_jread_uint(&c->j, o, w, "line", UINT_MAX, &line) &&
		    ka_jread_kind(&c->j, o, w, &k) &&
		    ka_jread_str(&c->j, o, w, "section", false, &scn) &&
		    ka_jread_uint(&c->j, o, w, "offset", UINT64_MAX, &off) &&
		    ka_jread_bool(&c->j, o, w, "debuginfo", &dbg)) {
			struct ka_site *s = ka_finding_add_site(f);
			s->function = dup0(fn);
			s->file = dup0(file);
			s->line = (unsigned)line;
			s->kind = k;
			s->section = dup0(scn);
			s->offset = off;
			s->has_debuginfo = dbg;
			read_chain(c, o, w, s);
		}
		free(w);
	}
}

static void read_path(struct rd *c, json_object *fo, const char *where,
		      struct ka_finding *f)
{
	json_object *a = ka_jread_array(&c->j, fo, where, "path", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = ka_jread_elem(&c->j, a, i, "path", &w);
		const char *sym;
		enum ka_ref_kind k;
		if (o && ka_jread_str(&c->j, o, w, "symbol", true, &sym) &&
		    ka_jread_kind(&c->j, o, w, &k))
			ka_finding_add_step(f, sym, k);
		free(w);
	}
}

/* inline-exposure's gpl_symbols: [{symbol, instances, inline_instances, via}] */
static void read_gpl_symbols(struct rd *c, json_object *fo, const char *where,
			     struct ka_finding *f)
{
	json_object *a = ka_jread_array(&c->j, fo, where, "gpl_symbols", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = ka_jread_elem(&c->j, a, i, "gpl_symbols", &w);
		const char *sym;
		uint64_t inst, all;
		struct strvec via = { 0 };
		if (o && ka_jread_str(&c->j, o, w, "symbol", true, &sym) &&
		    ka_jread_uint(&c->j, o, w, "instances", UINT_MAX, &inst) &&
		    ka_jread_uint(&c->j, o, w, "inline_instances", UINT_MAX,
				  &all) &&
		    ka_jread_strings(&c->j, o, w, "via", &via)) {
			/* A finding names the inline's own symbols: instances
			 * are those that carry it on their own. */
			struct ka_inline_sym y = {
				.symbol = (char *)sym, .instances = (unsigned)inst,
				.via = via, .own = true,
				.inline_instances = (unsigned)all };
			ka_finding_add_symbol(f, &y);
		}
		strvec_free(&via);
		free(w);
	}
}

/* export-wrapper's targets: [{symbol, path: [{symbol, kind}]}] */
static void read_targets(struct rd *c, json_object *fo, const char *where,
			 struct ka_finding *f)
{
	json_object *a = ka_jread_array(&c->j, fo, where, "targets", false);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *w;
		json_object *o = ka_jread_elem(&c->j, a, i, "targets", &w);
		const char *sym;
		json_object *p = NULL;
		if (o && ka_jread_str(&c->j, o, w, "symbol", true, &sym))
			p = ka_jread_array(&c->j, o, w, "path", false);
		struct ka_wrapper_target *t = NULL;
		if (!c->j.bad) {
			struct ka_wrapper_target x = { .symbol = (char *)sym };
			t = ka_finding_add_target(f, &x);
		}
		for (size_t k = 0; t && p && !c->j.bad &&
				   k < json_object_array_length(p); k++) {
			char *ws, *at = xasprintf("%s.path", w);
			json_object *so = ka_jread_elem(&c->j, p, k, at, &ws);
			const char *step;
			enum ka_ref_kind kind;
			if (so && ka_jread_str(&c->j, so, ws, "symbol", true, &step) &&
			    ka_jread_kind(&c->j, so, ws, &kind))
				ka_wrapper_target_step(t, step, kind);
			free(ws);
			free(at);
		}
		free(w);
	}
}

static void read_findings(struct rd *c, json_object *root)
{
	json_object *a = ka_jread_array(&c->j, root, NULL, "findings", true);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "findings", &where);
		const char *check, *sev, *module, *file, *symbol, *msg, *note;
		uint64_t line, count;
		enum ka_severity s = KA_SEV_WARNING;
		if (o && ka_jread_str(&c->j, o, where, "check", true, &check) &&
		    ka_jread_str(&c->j, o, where, "severity", true, &sev) &&
		    ka_jread_str(&c->j, o, where, "module", false, &module) &&
		    ka_jread_str(&c->j, o, where, "file", false, &file) &&
		    ka_jread_uint(&c->j, o, where, "line", UINT_MAX, &line) &&
		    ka_jread_str(&c->j, o, where, "symbol", false, &symbol) &&
		    ka_jread_str(&c->j, o, where, "message", true, &msg) &&
		    ka_jread_str(&c->j, o, where, "note", false, &note) &&
		    ka_jread_uint(&c->j, o, where, "count", UINT_MAX, &count)) {
			if (!ka_severity_parse(sev, &s)) {
				ka_jread_bad(&c->j, where, "unknown severity '%s'", sev);
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
				read_gpl_symbols(c, o, where, f);
				read_targets(c, o, where, f);
				ka_jread_double(&c->j, o, where, "score",
						&f->score, &f->has_score);
			}
		}
		free(where);
	}
}

/* ---- facts ---- */

/*
 * gpl_symbols, and gpl_instances (optional): per symbol, the instances
 * that carry it as the inline's own, 0 when callers hand it in. Without
 * them (older reports) every symbol counts as the inline's own.
 */
static void read_syms(struct rd *c, json_object *o, const char *where,
		      struct ka_inline_use *u)
{
	struct strvec names = { 0 };
	if (!ka_jread_strings(&c->j, o, where, "gpl_symbols", &names)) {
		strvec_free(&names);
		return;
	}
	json_object *a = ka_jread_array(&c->j, o, where, "gpl_instances", false);
	if (a && !c->j.bad && json_object_array_length(a) != names.n) {
		ka_jread_bad(&c->j, where, "'gpl_instances' and "
			     "'gpl_symbols' differ in length");
		a = NULL;
	}
	u->syms = xcalloc(names.n + 1, sizeof(*u->syms));
	u->cap_syms = names.n + 1;
	for (size_t i = 0; i < names.n && !c->j.bad; i++) {
		int64_t n = 0;
		if (a) {
			json_object *v = json_object_array_get_idx(a, i);
			n = v && json_object_is_type(v, json_type_int)
				? json_object_get_int64(v) : -1;
			if (n < 0 || n > UINT_MAX) {
				ka_jread_bad(&c->j, where, "'gpl_instances[%zu]' "
					     "is not a count", i);
				break;
			}
		}
		u->syms[u->n_syms++] = (struct ka_inline_sym){
			.symbol = xstrdup(names.v[i]),
			.instances = (unsigned)n,
			.own = !a || n > 0,
			.inline_instances = u->inline_instances };
	}
	strvec_free(&names);
}

static void read_inlines(struct rd *c, json_object *root)
{
	struct ka_kfacts *kf = &c->r->facts;
	json_object *a = ka_jread_array(&c->j, root, NULL, "inline_uses", true);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "inline_uses", &where);
		const char *fn, *decl;
		uint64_t line, inst;
		if (o && ka_jread_str(&c->j, o, where, "function", true, &fn) &&
		    ka_jread_str(&c->j, o, where, "decl_file", true, &decl) &&
		    ka_jread_uint(&c->j, o, where, "decl_line", UINT_MAX, &line) &&
		    ka_jread_uint(&c->j, o, where, "instances", UINT_MAX, &inst)) {
			struct ka_inline_use *u = xcalloc(1, sizeof(*u));
			/* The report states all the inline's instances. */
			*u = (struct ka_inline_use){
				.function = xstrdup(fn), .decl_file = xstrdup(decl),
				.decl_line = (unsigned)line,
				.instances = (unsigned)inst,
				.inline_instances = (unsigned)inst };
			ARRAY_GROW(kf->uses, kf->n_uses, kf->cap_uses);
			kf->uses[kf->n_uses++] = u;
			read_syms(c, o, where, u);
		}
		free(where);
	}
}

static void read_reach(struct rd *c, json_object *root)
{
	struct ka_kfacts *kf = &c->r->facts;
	json_object *r = ka_jread_member(root, "reach");
	if (!r || !json_object_is_type(r, json_type_object)) {
		ka_jread_bad(&c->j, "report", "'reach' is missing or not an object");
		return;
	}
	uint64_t depth;
	if (!ka_jread_uint(&c->j, r, "reach", "max_depth", 64, &depth))
		return;
	kf->max_depth = (unsigned)depth;
	json_object *a = ka_jread_array(&c->j, r, "reach", "functions", true);
	for (size_t i = 0; a && !c->j.bad && i < json_object_array_length(a); i++) {
		char *where;
		json_object *o = ka_jread_elem(&c->j, a, i, "reach.functions", &where);
		const char *owner, *fn, *gpl;
		if (o && ka_jread_str(&c->j, o, where, "owner", true, &owner) &&
		    ka_jread_str(&c->j, o, where, "function", true, &fn) &&
		    ka_jread_str(&c->j, o, where, "gpl_export", false, &gpl)) {
			ARRAY_GROW(kf->reach, kf->n_reach, kf->cap_reach);
			struct ka_reach_fact *x = &kf->reach[kf->n_reach++];
			*x = (struct ka_reach_fact){ .owner = xstrdup(owner),
						     .function = xstrdup(fn),
						     .gpl_export = dup0(gpl) };
			ka_jread_strings(&c->j, o, where, "plain_path", &x->plain_path);
		}
		free(where);
	}
}

/* Reads the document root (a tree report) into c->r. */
static void read_report(struct rd *c, json_object *root)
{
	const char *cmd;
	if (!ka_jread_head(&c->j, root, KA_JSON_SCHEMA_OLDEST_REPORT, &cmd))
		return;
	if (!cmd || strcmp(cmd, "tree") != 0) {
		ka_jread_bad(&c->j, NULL, "written by 'ksymaudit %s', not by "
			     "'ksymaudit tree -j'", cmd ? cmd : "?");
		return;
	}
	if (!ka_jread_member(root, "exports")) {
		ka_jread_bad(&c->j, NULL, "no export table: written by an "
			     "older ksymaudit; run 'ksymaudit tree -j' again");
		return;
	}
	read_run(c, root);
	if (!c->j.bad)
		read_exports(c, root);
	if (!c->j.bad)
		read_findings(c, root);
	if (!c->j.bad)
		read_inlines(c, root);
	if (!c->j.bad)
		read_reach(c, root);
	if (!c->j.bad)
		ka_kfacts_sort(&c->r->facts);
}

int ka_report_parse(const char *path, const char *buf, size_t len,
		    struct ka_report *r, struct ka_diags *diags)
{
	struct rd c = { { .path = path, .label = "report", .diags = diags }, r };
	*r = (struct ka_report){ .path = xstrdup(path) };
	json_object *root = ka_jread_parse(&c.j, buf, len);
	if (root)
		read_report(&c, root);
	json_object_put(root);
	return c.j.bad ? -EINVAL : 0;
}

int ka_report_read(const char *path, struct ka_report *r,
		   struct ka_diags *diags)
{
	struct rd c = { { .path = path, .label = "report", .diags = diags }, r };
	int err;
	*r = (struct ka_report){ .path = xstrdup(path) };
	json_object *root = ka_jread_file(&c.j, &err);
	if (root)
		read_report(&c, root);
	json_object_put(root);
	return root && c.j.bad ? -EINVAL : err;
}

void ka_report_free(struct ka_report *r)
{
	if (!r)
		return;
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
