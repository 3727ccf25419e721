/*
 * --format json: the whole run as one JSON document (schema in ksymaudit(1),
 * section JSON OUTPUT). Written once the run is over, member by member and
 * finding by finding: each piece is built with json-c, written and freed,
 * so memory does not hold the whole document twice (json-c objects and
 * their text) on a distribution's 4000 modules. The bytes are those
 * json-c writes for the whole document, pretty or not.
 */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "ksymaudit/emit.h"
#include "jsonutil.h"

/* Length of the valid UTF-8 sequence at p, or 0 if it is not one. */
static size_t utf8_seq_len(const unsigned char *p)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong */
		unsigned char hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
		if (p[1] < lo || p[1] > hi)
			return 0;
		return (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80; /* no overlong */
		unsigned char hi = c == 0xf4 ? 0x8f : 0xbf; /* <= U+10FFFF */
		if (p[1] < lo || p[1] > hi)
			return 0;
		if ((p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		return 4;
	}
	return 0;
}

char *ka_utf8_sanitize(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	/* Each bad byte (1 byte) becomes U+FFFD (3 bytes). */
	char *out = xmalloc(len * 3 + 1), *o = out;

	while (*p) {
		size_t n = utf8_seq_len(p);
		if (n == 0) {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
			continue;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}

struct json_object *ka_json_string(const char *s)
{
	if (!s)
		return NULL; /* json-c's representation of null */
	char *clean = ka_utf8_sanitize(s);
	struct json_object *j = json_object_new_string(clean);
	free(clean);
	return j;
}

struct json_object *ka_json_line(unsigned n)
{
	return n > 0 ? json_object_new_int64(n) : NULL;
}

struct json_object *ka_json_features(void)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_string(ENABLE_XZ ? "+xz" : "-xz"));
	json_object_array_add(a, json_object_new_string(ENABLE_ZSTD ? "+zstd" : "-zstd"));
	json_object_array_add(a, json_object_new_string(ENABLE_ZLIB ? "+gzip" : "-gzip"));
	json_object_array_add(a, json_object_new_string(ENABLE_DEBUGINFOD ? "+debuginfod" : "-debuginfod"));
	return a;
}

int ka_json_write(FILE *out, struct json_object *root, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE;
	int ret = 0;

	flags |= pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			: JSON_C_TO_STRING_PLAIN;
	const char *s = json_object_to_json_string_ext(root, flags);
	if (!s) {
		ret = -ENOMEM;
	} else {
		char *doc = xasprintf("%s\n", s);
		if (fputs(doc, out) == EOF || fflush(out) == EOF || ferror(out))
			ret = -EIO;
		free(doc);
	}
	json_object_put(root);
	return ret;
}

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *tool_json(void)
{
	struct json_object *t = json_object_new_object();

	add(t, "name", json_object_new_string("ksymaudit"));
	add(t, "version", json_object_new_string(PACKAGE_VERSION));
	add(t, "features", ka_json_features());
	return t;
}

static struct json_object *inputs_json(const struct ka_run *run)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < run->n_inputs; i++) {
		const struct ka_input *in = &run->inputs[i];
		struct json_object *o = json_object_new_object();
		add(o, "path", ka_json_string(in->path));
		add(o, "kind", ka_json_string(in->kind));
		add(o, "status", json_object_new_string(in->ok ? "ok" : "error"));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *errors_json(const struct ka_diags *d)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < d->n; i++) {
		const struct ka_diag *e = &d->v[i];
		struct json_object *o = json_object_new_object();
		if (e->file)
			add(o, "file", ka_json_string(e->file));
		if (e->line > 0)
			add(o, "line", json_object_new_int64(e->line));
		add(o, "message", ka_json_string(e->message));
		add(o, "fatal", json_object_new_boolean(e->fatal));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *chain_json(const struct ka_site *s)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < s->n_chain; i++) {
		const struct ka_inline_frame *fr = &s->chain[i];
		struct json_object *o = json_object_new_object();
		add(o, "function", ka_json_string(fr->function));
		add(o, "decl_file", ka_json_string(fr->decl_file));
		add(o, "decl_line", ka_json_line(fr->decl_line));
		add(o, "call_file", ka_json_string(fr->call_file));
		add(o, "call_line", ka_json_line(fr->call_line));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *sites_json(const struct ka_finding *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < f->n_sites; i++) {
		const struct ka_site *s = &f->sites[i];
		struct json_object *o = json_object_new_object();
		add(o, "function", ka_json_string(s->function));
		add(o, "file", ka_json_string(s->file));
		add(o, "line", ka_json_line(s->line));
		add(o, "kind", ka_json_string(ka_ref_kind_name(s->kind)));
		add(o, "section", ka_json_string(s->section));
		add(o, "offset", json_object_new_uint64(s->offset));
		add(o, "debuginfo", json_object_new_boolean(s->has_debuginfo));
		add(o, "inline_chain", chain_json(s));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *path_json(const struct ka_finding *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < f->n_path; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "symbol", ka_json_string(f->path[i].symbol));
		add(o, "kind", ka_json_string(ka_ref_kind_name(f->path[i].kind)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *steps_json(const struct ka_path_step *v, size_t n)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "symbol", ka_json_string(v[i].symbol));
		add(o, "kind", ka_json_string(ka_ref_kind_name(v[i].kind)));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *strings_json(const struct strvec *sv)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < sv->n; i++)
		json_object_array_add(a, ka_json_string(sv->v[i]));
	return a;
}

/* inline-exposure: one entry per GPL-only symbol, with its evidence. */
struct json_object *ka_json_gpl_symbols(const struct ka_finding *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < f->n_gpl_symbols; i++) {
		const struct ka_inline_sym *s = &f->gpl_symbols[i];
		struct json_object *o = json_object_new_object();
		add(o, "symbol", ka_json_string(s->symbol));
		add(o, "instances",
		    json_object_new_int64(ka_inline_sym_own_instances(s)));
		add(o, "inline_instances",
		    json_object_new_int64(s->inline_instances));
		add(o, "via", strings_json(&s->via));
		json_object_array_add(a, o);
	}
	return a;
}

/* export-wrapper: every GPL-only export reached, each with its path. */
struct json_object *ka_json_targets(const struct ka_finding *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; i < f->n_targets; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "symbol", ka_json_string(f->targets[i].symbol));
		add(o, "path", steps_json(f->targets[i].steps,
					  f->targets[i].n_steps));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *finding_json(const struct ka_finding *f)
{
	struct json_object *o = json_object_new_object();
	char fp[17];

	add(o, "check", ka_json_string(f->check));
	add(o, "fingerprint",
	    json_object_new_string(ka_finding_fingerprint(f, fp)));
	if (f->baseline != KA_BASELINE_NONE)
		add(o, "baseline_state",
		    json_object_new_string(ka_baseline_state_name(f->baseline)));
	add(o, "severity", ka_json_string(ka_severity_name(f->severity)));
	add(o, "module", ka_json_string(f->module));
	add(o, "file", ka_json_string(f->file));
	add(o, "line", ka_json_line(f->line));
	add(o, "symbol", ka_json_string(f->symbol));
	add(o, "message", ka_json_string(f->message ? f->message : ""));
	add(o, "waived", json_object_new_boolean(f->waived_by != NULL));
	if (f->waived_by)
		add(o, "waiver_reason", ka_json_string(f->waived_by));
	if (f->count > 0)
		add(o, "count", json_object_new_int64(f->count));
	if (f->note)
		add(o, "note", ka_json_string(f->note));
	add(o, "sites", sites_json(f));
	add(o, "path", path_json(f));
	if (f->change) { /* diff */
		add(o, "change", ka_json_string(ka_change_name(f->change)));
		if (f->old_value || f->new_value) {
			add(o, "old", ka_json_string(f->old_value));
			add(o, "new", ka_json_string(f->new_value));
		}
	}
	if (f->n_gpl_symbols)
		add(o, "gpl_symbols", ka_json_gpl_symbols(f));
	if (f->n_targets)
		add(o, "targets", ka_json_targets(f));
	if (f->has_score)
		add(o, "score", json_object_new_double(f->score));
	return o;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct json_object *summary_json(const struct ka_run *run)
{
	const struct ka_findings *fs = &run->findings;
	struct json_object *o = json_object_new_object();
	size_t fatal = 0, waived = 0, sev[3] = { 0 };

	for (size_t i = 0; i < run->diags.n; i++)
		fatal += run->diags.v[i].fatal;
	for (size_t i = 0; i < fs->n; i++) {
		waived += fs->v[i].waived_by != NULL;
		if ((unsigned)fs->v[i].severity < KA_ARRAY_SIZE(sev))
			sev[fs->v[i].severity]++;
	}
	add(o, "findings", json_object_new_int64((int64_t)fs->n));
	add(o, "errors", json_object_new_int64((int64_t)fatal));
	add(o, "warnings_inputs",
	    json_object_new_int64((int64_t)(run->diags.n - fatal)));
	add(o, "waived", json_object_new_int64((int64_t)waived));

	/* by_check, in sorted id order so the output is stable. */
	const char **ids = xcalloc(fs->n ? fs->n : 1, sizeof(*ids));
	for (size_t i = 0; i < fs->n; i++)
		ids[i] = fs->v[i].check ? fs->v[i].check : "";
	qsort(ids, fs->n, sizeof(*ids), cmp_str);
	struct json_object *bc = json_object_new_object();
	for (size_t i = 0; i < fs->n;) {
		size_t j = i;
		while (j < fs->n && strcmp(ids[j], ids[i]) == 0)
			j++;
		char *key = ka_utf8_sanitize(ids[i]);
		add(bc, key, json_object_new_int64((int64_t)(j - i)));
		free(key);
		i = j;
	}
	free(ids);
	add(o, "by_check", bc);

	struct json_object *bs = json_object_new_object();
	add(bs, "error", json_object_new_int64((int64_t)sev[KA_SEV_ERROR]));
	add(bs, "warning", json_object_new_int64((int64_t)sev[KA_SEV_WARNING]));
	add(bs, "note", json_object_new_int64((int64_t)sev[KA_SEV_NOTE]));
	add(o, "by_severity", bs);
	return o;
}

/* ---- tree: the kernel side as facts, for diff (src/readers/report.c) ---- */

static int cmp_export(const void *a, const void *b)
{
	const struct ka_export *x = *(const struct ka_export *const *)a;
	const struct ka_export *y = *(const struct ka_export *const *)b;
	return strcmp(x->name, y->name);
}

void ka_json_kernel_facts(struct json_object *root, const struct ka_run *run)
{
	const struct ka_exportdb *db = &run->exports;
	const struct ka_kfacts *kf = run->kfacts;
	/* One export per name (the one lookups see), sorted. */
	const struct ka_export **ex = xcalloc(db->n + 1, sizeof(*ex));
	size_t n = 0;
	for (size_t i = 0; i < db->n; i++)
		if (ka_exportdb_find(db, db->all[i]->name) == db->all[i])
			ex[n++] = db->all[i];
	if (n > 1)
		qsort(ex, n, sizeof(*ex), cmp_export);
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_new_object();
		add(o, "symbol", ka_json_string(ex[i]->name));
		add(o, "type", ka_json_string(ka_export_type_name(ex[i]->type)));
		add(o, "namespace", ka_json_string(ex[i]->ns));
		if (ka_ns_is_module_list(ex[i]->ns)) {
			/* EXPORT_SYMBOL_FOR_MODULES: the list, split */
			struct strvec mods = { 0 };
			ka_ns_module_entries(ex[i]->ns, &mods);
			add(o, "modules", strings_json(&mods));
			strvec_free(&mods);
		}
		add(o, "owner", ka_json_string(ex[i]->owner));
		json_object_array_add(a, o);
	}
	free(ex);
	add(root, "exports", a);

	a = json_object_new_array();
	for (size_t i = 0; i < kf->n_uses; i++) {
		const struct ka_inline_use *u = kf->uses[i];
		struct json_object *o = json_object_new_object();
		struct json_object *syms = json_object_new_array();
		/* Per symbol: the instances that carry it as the inline's own,
		 * 0 when callers hand it in. */
		struct json_object *own = json_object_new_array();
		for (size_t k = 0; k < u->n_syms; k++) {
			const struct ka_inline_sym *y = &u->syms[k];
			json_object_array_add(syms, ka_json_string(y->symbol));
			json_object_array_add(own, json_object_new_int64(
				y->own ? ka_inline_sym_own_instances(y) : 0));
		}
		add(o, "function", ka_json_string(u->function));
		add(o, "decl_file", ka_json_string(u->decl_file));
		add(o, "decl_line", ka_json_line(u->decl_line));
		add(o, "gpl_symbols", syms);
		add(o, "gpl_instances", own);
		add(o, "instances", json_object_new_int64(
			u->inline_instances > u->instances ? u->inline_instances
							   : u->instances));
		json_object_array_add(a, o);
	}
	add(root, "inline_uses", a);

	struct json_object *r = json_object_new_object();
	add(r, "max_depth", json_object_new_int64(kf->max_depth));
	a = json_object_new_array();
	for (size_t i = 0; i < kf->n_reach; i++) {
		const struct ka_reach_fact *x = &kf->reach[i];
		struct json_object *o = json_object_new_object();
		add(o, "owner", ka_json_string(x->owner));
		add(o, "function", ka_json_string(x->function));
		add(o, "gpl_export", ka_json_string(x->gpl_export));
		add(o, "plain_path", strings_json(&x->plain_path));
		json_object_array_add(a, o);
	}
	add(r, "functions", a);
	add(root, "reach", r);
}

/* --baseline: the report read, counts, and the findings no longer seen. */
static struct json_object *baseline_json(const struct ka_baseline *b)
{
	struct json_object *o = json_object_new_object();
	struct json_object *absent = json_object_new_array();

	add(o, "path", ka_json_string(b->path));
	add(o, "new", json_object_new_int64((int64_t)b->n_new));
	add(o, "unchanged", json_object_new_int64((int64_t)b->n_unchanged));
	add(o, "absent", json_object_new_int64((int64_t)b->n_absent));
	for (size_t i = 0; i < b->n; i++) {
		const struct ka_baseline_entry *e = &b->v[i];
		if (e->matched)
			continue;
		struct json_object *a = json_object_new_object();
		add(a, "check", ka_json_string(e->check));
		add(a, "fingerprint", ka_json_string(e->fingerprint));
		add(a, "module", ka_json_string(e->module));
		add(a, "symbol", ka_json_string(e->symbol));
		add(a, "message", ka_json_string(e->message));
		json_object_array_add(absent, a);
	}
	add(o, "absent_findings", absent);
	return o;
}

/* The top-level object, written a member at a time. */
struct jstream {
	FILE *out;
	bool pretty;
	bool first;
	bool failed;   /* json-c could not render a piece */
	int flags;
};

/* v's text, each line break followed by level indents of two spaces (as
 * json-c indents a value nested that deep); v is released. */
static void js_value(struct jstream *s, struct json_object *v, int level)
{
	const char *t = json_object_to_json_string_ext(v, s->flags);
	if (!t)
		s->failed = true;
	for (const char *p = t ? t : "null"; *p; p++) {
		fputc(*p, s->out);
		if (*p == '\n')
			for (int i = 0; i < level; i++)
				fputs("  ", s->out);
	}
	json_object_put(v);
}

/* The separator and key of the next top-level member. */
static void js_key(struct jstream *s, const char *key)
{
	fputs(s->first ? "{" : ",", s->out);
	s->first = false;
	if (s->pretty)
		fputs("\n  ", s->out);
	fprintf(s->out, s->pretty ? "\"%s\": " : "\"%s\":", key);
}

static void js_member(struct jstream *s, const char *key, struct json_object *v)
{
	js_key(s, key);
	js_value(s, v, 1);
}

/* "findings": one finding built and written at a time. */
static void js_findings(struct jstream *s, const struct ka_findings *f)
{
	js_key(s, "findings");
	fputc('[', s->out);
	for (size_t i = 0; i < f->n; i++) {
		if (i)
			fputc(',', s->out);
		if (s->pretty)
			fputs("\n    ", s->out);
		js_value(s, finding_json(&f->v[i]), 2);
	}
	if (s->pretty)
		fputs("\n  ", s->out);
	fputc(']', s->out);
}

static int emit_json(FILE *out, const struct ka_run *run,
		     const struct ka_emit_opts *o)
{
	struct jstream s = { .out = out, .pretty = o && o->pretty, .first = true };

	s.flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		  (s.pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			    : JSON_C_TO_STRING_PLAIN);
	js_member(&s, "schema_version", json_object_new_int(KA_JSON_SCHEMA_VERSION));
	js_member(&s, "tool", tool_json());
	js_member(&s, "command", ka_json_string(run->command));
	js_member(&s, "inputs", inputs_json(run));
	js_member(&s, "errors", errors_json(&run->diags));
	js_findings(&s, &run->findings);
	js_member(&s, "summary", summary_json(run));
	if (run->kfacts) {
		struct json_object *facts = json_object_new_object();
		ka_json_kernel_facts(facts, run);
		json_object_object_foreach(facts, key, v)
			js_member(&s, key, json_object_get(v));
		json_object_put(facts);
	}
	if (o && o->baseline)
		js_member(&s, "baseline", baseline_json(o->baseline));
	fputs(s.pretty ? "\n}\n" : "}\n", out);
	if (s.failed)
		return -ENOMEM;
	return fflush(out) == EOF || ferror(out) ? -EIO : 0;
}

const struct ka_emitter ka_emit_json = { .name = "json", .emit = emit_json };
