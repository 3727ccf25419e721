/*
 * --format sarif: SARIF 2.1.0 for code-scanning services. One run; one rule
 * per check id that occurs; sites become relatedLocations and inline chains
 * codeFlows; input problems become tool execution notifications. Written to
 * what GitHub code scanning documents: relative URIs with a uriBaseId,
 * partialFingerprints, baselineState, and its limits per run and result.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "ksymaudit/checks.h"
#include "ksymaudit/emit.h"
#include "jsonutil.h"

/* GitHub code scanning's limits (rejects more results or locations). */
#define SARIF_MAX_RESULTS 25000
#define SARIF_MAX_LOCATIONS 1000     /* relatedLocations per result */
#define SARIF_MAX_FLOW_LOCATIONS 10000 /* threadFlow locations per result */
/* The partialFingerprints key of ka_finding_fingerprint(); bump the
 * version when the fingerprint's definition changes. */
#define SARIF_FINGERPRINT_KEY "ksymaudit/v1"
/* uriBaseIds: the tree analysed (the repository) and, for modules, the
 * kernel tree their headers come from. */
#define SARIF_SRCROOT "SRCROOT"
#define SARIF_KERNELROOT "KERNELROOT"

struct sctx {
	const struct ka_emit_opts *o;
	bool modules;       /* a check run: module sources and kernel headers */
	bool used_src, used_kernel;
};

#define SARIF_SCHEMA                                                           \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/" \
	"sarif-schema-2.1.0.json"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static struct json_object *text_obj(const char *s)
{
	struct json_object *m = json_object_new_object();
	add(m, "text", ka_json_string(s ? s : ""));
	return m;
}

static const char *level_name(enum ka_severity s)
{
	switch (s) {
	case KA_SEV_ERROR:
		return "error";
	case KA_SEV_WARNING:
		return "warning";
	case KA_SEV_NOTE:
		break;
	}
	return "note";
}

/*
 * A URI reference for a path: absolute paths become file:// URIs, relative
 * ones stay relative. Bytes outside the unreserved set and '/' are
 * percent-encoded (also ':' so that "a:b.c" is not read as a scheme).
 */
static char *path_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t len = strlen(path);
	char *out = xmalloc(len * 3 + sizeof("file://")), *o = out;

	if (path[0] == '/') {
		memcpy(o, "file://", 7);
		o += 7;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}

/*
 * The artifactLocation of a source path: mapped into the repository
 * (--path-prefix-map, --source-root), relative with a uriBaseId where it
 * can be, else an absolute file URI.
 */
static struct json_object *artifact(struct sctx *c, const char *file)
{
	struct json_object *art = json_object_new_object();
	char *p = ka_emit_path(c->o, file);
	char *uri = path_uri(p);

	add(art, "uri", json_object_new_string(uri));
	if (p[0] != '/') {
		/* In a check run, DWARF paths of kernel headers are relative
		 * to the kernel tree, the module's own to its directory. */
		bool kernel = c->modules && file[0] != '/' &&
			      (str_starts(file, "include/") || str_starts(file, "arch/")) &&
			      (str_starts(p, "include/") || str_starts(p, "arch/"));
		add(art, "uriBaseId", json_object_new_string(
			kernel ? SARIF_KERNELROOT : SARIF_SRCROOT));
		c->used_kernel |= kernel;
		c->used_src |= !kernel;
	}
	free(uri);
	free(p);
	return art;
}

/* {"physicalLocation": {...}}, or an empty location when file is NULL. */
static struct json_object *location(struct sctx *c, const char *file,
				    unsigned line)
{
	struct json_object *loc = json_object_new_object();

	if (!file || !*file)
		return loc;
	struct json_object *phys = json_object_new_object();
	add(phys, "artifactLocation", artifact(c, file));
	if (line == 0 && ka_emit_path_is_binary(file)) {
		/* A finding about a whole binary (no source line known): its
		 * bytes, as SARIF expresses a whole-artifact region. */
		struct stat st;
		if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
			struct json_object *region = json_object_new_object();
			add(region, "byteOffset", json_object_new_int64(0));
			add(region, "byteLength", json_object_new_int64(st.st_size));
			add(phys, "region", region);
		}
	}
	if (line > 0) {
		struct json_object *region = json_object_new_object();
		add(region, "startLine", json_object_new_int64(line));
		add(phys, "region", region);
	}
	add(loc, "physicalLocation", phys);
	return loc;
}

static struct json_object *function_location(struct sctx *c, const char *file,
					     unsigned line, const char *function)
{
	struct json_object *loc = location(c, file, line);

	if (function) {
		struct json_object *ll = json_object_new_array();
		struct json_object *l = json_object_new_object();
		add(l, "name", ka_json_string(function));
		add(l, "kind", json_object_new_string("function"));
		json_object_array_add(ll, l);
		add(loc, "logicalLocations", ll);
	}
	return loc;
}

static struct json_object *site_location(struct sctx *c,
					 const struct ka_finding *f,
					 const struct ka_site *s, size_t id)
{
	struct json_object *loc = function_location(c, s->file, s->line,
						    s->function);
	char *msg = xasprintf("%s reference to %s in %s()%s", ka_ref_kind_name(s->kind),
			      f->symbol ? f->symbol : "symbol",
			      s->function ? s->function : "?",
			      s->n_chain ? " (inlined)" : "");
	add(loc, "id", json_object_new_int64((int64_t)id));
	add(loc, "message", text_obj(msg));
	free(msg);
	return loc;
}

static struct json_object *flow_step(struct json_object *loc, const char *msg)
{
	struct json_object *tfl = json_object_new_object();

	add(loc, "message", text_obj(msg));
	add(tfl, "location", loc);
	return tfl;
}

/* The inline chain of s, innermost first, as one codeFlow. */
static struct json_object *code_flow(struct sctx *c, const struct ka_finding *f,
				     const struct ka_site *s)
{
	struct json_object *locs = json_object_new_array();
	const struct ka_inline_frame *in = &s->chain[0];
	char *msg = xasprintf("%s reference to %s in %s()", ka_ref_kind_name(s->kind),
			      f->symbol ? f->symbol : "symbol",
			      in->function ? in->function : "?");

	json_object_array_add(locs, flow_step(function_location(c, s->file,
								s->line,
								in->function),
					      msg));
	free(msg);
	for (size_t i = 0; i < s->n_chain; i++) {
		const struct ka_inline_frame *fr = &s->chain[i];
		const char *into = i + 1 < s->n_chain ? s->chain[i + 1].function
						      : s->function;
		msg = xasprintf("%s() inlined into %s()",
				fr->function ? fr->function : "?",
				into ? into : "?");
		json_object_array_add(
			locs, flow_step(function_location(c, fr->call_file,
							  fr->call_line, into),
					msg));
		free(msg);
	}
	struct json_object *tf = json_object_new_object();
	add(tf, "locations", locs);
	struct json_object *tfs = json_object_new_array();
	json_object_array_add(tfs, tf);
	struct json_object *cf = json_object_new_object();
	add(cf, "threadFlows", tfs);
	return cf;
}

static struct json_object *result_json(struct sctx *c,
				       const struct ka_finding *f,
				       int rule_index)
{
	struct json_object *r = json_object_new_object();
	const char *file;
	unsigned line;
	char fp[17];

	add(r, "ruleId", ka_json_string(f->check));
	add(r, "ruleIndex", json_object_new_int(rule_index));
	add(r, "level", json_object_new_string(level_name(f->severity)));
	add(r, "message", text_obj(f->message));
	ka_emit_primary_location(f, &file, &line);
	if (file) {
		struct json_object *locs = json_object_new_array();
		json_object_array_add(locs, location(c, file, line));
		add(r, "locations", locs);
	}
	/* Identity across runs without lines: results on one line differ. */
	struct json_object *pf = json_object_new_object();
	add(pf, SARIF_FINGERPRINT_KEY,
	    json_object_new_string(ka_finding_fingerprint(f, fp)));
	add(r, "partialFingerprints", pf);
	if (f->baseline != KA_BASELINE_NONE)
		add(r, "baselineState",
		    json_object_new_string(ka_baseline_state_name(f->baseline)));
	size_t n_rel = 0, n_flow = 0, left_out = 0;
	if (f->n_sites) {
		struct json_object *rel = json_object_new_array();
		struct json_object *flows = json_object_new_array();
		for (size_t i = 0; i < f->n_sites; i++) {
			const struct ka_site *st = &f->sites[i];
			if (n_rel == SARIF_MAX_LOCATIONS ||
			    n_flow + 1 + st->n_chain > SARIF_MAX_FLOW_LOCATIONS) {
				left_out = f->n_sites - i;
				break;
			}
			json_object_array_add(rel, site_location(c, f, st, i));
			n_rel++;
			if (st->n_chain) {
				json_object_array_add(flows, code_flow(c, f, st));
				n_flow += 1 + st->n_chain;
			}
		}
		add(r, "relatedLocations", rel);
		if (json_object_array_length(flows))
			add(r, "codeFlows", flows);
		else
			json_object_put(flows);
	}
	if (f->waived_by) {
		struct json_object *sup = json_object_new_object();
		add(sup, "kind", json_object_new_string("external"));
		add(sup, "justification", ka_json_string(f->waived_by));
		struct json_object *sups = json_object_new_array();
		json_object_array_add(sups, sup);
		add(r, "suppressions", sups);
	}
	struct json_object *props = json_object_new_object();
	add(props, "module", ka_json_string(f->module));
	add(props, "symbol", ka_json_string(f->symbol));
	if (f->count > 0)
		add(props, "count", json_object_new_int64(f->count));
	if (f->note)
		add(props, "note", ka_json_string(f->note));
	if (left_out)
		add(props, "sitesLeftOut", json_object_new_int64((int64_t)left_out));
	if (f->n_path) {
		struct json_object *p = json_object_new_array();
		for (size_t i = 0; i < f->n_path; i++)
			json_object_array_add(p, ka_json_string(f->path[i].symbol));
		add(props, "path", p);
	}
	if (f->change) /* diff */
		add(props, "change", ka_json_string(ka_change_name(f->change)));
	if (f->old_value || f->new_value) {
		add(props, "old", ka_json_string(f->old_value));
		add(props, "new", ka_json_string(f->new_value));
	}
	if (f->n_gpl_symbols)
		add(props, "gpl_symbols", ka_json_gpl_symbols(f));
	if (f->n_targets)
		add(props, "targets", ka_json_targets(f));
	if (f->has_score)
		add(props, "score", json_object_new_double(f->score));
	add(r, "properties", props);
	return r;
}

/* The rule of a check id, from its descriptor (src/checks/). */
static struct json_object *rule_json(const char *id)
{
	struct json_object *rule = json_object_new_object();
	const struct ka_check *c = ka_check_find(id);

	add(rule, "id", ka_json_string(id));
	/* A friendly name, as SARIF recommends: gpl-only-use -> GplOnlyUse. */
	char *name = xstrdup(id), *w = name;
	bool up = true;
	for (const char *p = id; *p; p++) {
		if (*p == '-' || *p == '_') {
			up = true;
			continue;
		}
		*w++ = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
		up = false;
	}
	*w = '\0';
	add(rule, "name", ka_json_string(name));
	free(name);
	add(rule, "shortDescription", text_obj(c ? c->summary : id));
	if (c && c->description)
		add(rule, "fullDescription", text_obj(c->description));
	if (c && c->help)
		add(rule, "help", text_obj(c->help));
	struct json_object *conf = json_object_new_object();
	add(conf, "level", json_object_new_string(
				   level_name(c ? c->severity : KA_SEV_WARNING)));
	add(rule, "defaultConfiguration", conf);
	return rule;
}

static struct json_object *invocation_json(struct sctx *c,
					   const struct ka_diags *d,
					   size_t results_left_out)
{
	struct json_object *inv = json_object_new_object();
	struct json_object *notes = json_object_new_array();
	bool fatal = false;

	for (size_t i = 0; i < d->n; i++) {
		const struct ka_diag *e = &d->v[i];
		struct json_object *n = json_object_new_object();
		fatal |= e->fatal;
		add(n, "level", json_object_new_string(e->fatal ? "error"
								: "warning"));
		add(n, "message", text_obj(e->message));
		if (e->file) {
			struct json_object *locs = json_object_new_array();
			json_object_array_add(locs, location(c, e->file, e->line));
			add(n, "locations", locs);
		}
		json_object_array_add(notes, n);
	}
	if (results_left_out) {
		struct json_object *n = json_object_new_object();
		char *m = xasprintf("%zu results left out: GitHub code scanning "
				    "accepts at most %d per run (errors kept first, "
				    "then warnings, then notes)",
				    results_left_out, SARIF_MAX_RESULTS);
		add(n, "level", json_object_new_string("warning"));
		add(n, "message", text_obj(m));
		free(m);
		json_object_array_add(notes, n);
	}
	add(inv, "executionSuccessful", json_object_new_boolean(!fatal));
	add(inv, "toolExecutionNotifications", notes);
	return inv;
}

/* originalUriBaseIds for the base ids the locations used. */
static struct json_object *uri_bases(const struct sctx *c)
{
	struct json_object *bases = json_object_new_object();

	if (c->used_src) {
		struct json_object *b = json_object_new_object();
		if (c->o->source_root) {
			char *dir = xasprintf("%s/", c->o->source_root);
			char *uri = path_uri(dir);
			add(b, "uri", json_object_new_string(uri));
			free(uri);
			free(dir);
		}
		add(b, "description",
		    text_obj(c->modules
				     ? "The module's source directory (the repository)"
				     : "The kernel source tree (the repository)"));
		add(bases, SARIF_SRCROOT, b);
	}
	if (c->used_kernel) {
		struct json_object *b = json_object_new_object();
		add(b, "description",
		    text_obj("The kernel tree whose headers the modules were built with"));
		add(bases, SARIF_KERNELROOT, b);
	}
	return bases;
}

static int emit_sarif(FILE *out, const struct ka_run *run,
		      const struct ka_emit_opts *o)
{
	static const struct ka_emit_opts none = {0};
	struct sctx c = {.o = o ? o : &none,
			 .modules = run->command && !strcmp(run->command, "check")};
	const struct ka_findings *fs = &run->findings;
	struct json_object *root = json_object_new_object();
	struct json_object *rules = json_object_new_array();
	struct json_object *results = json_object_new_array();
	struct strvec ids = { 0 };
	size_t n_results = 0;

	/* Rules in order of first appearance; results refer to them. Past
	 * GitHub's limit, errors go first, then warnings, then notes. */
	for (int sev = KA_SEV_ERROR; sev >= KA_SEV_NOTE; sev--) {
		for (size_t i = 0; i < fs->n; i++) {
			if ((int)fs->v[i].severity != sev ||
			    n_results == SARIF_MAX_RESULTS)
				continue;
			const char *id = fs->v[i].check ? fs->v[i].check : "";
			size_t k = 0;
			while (k < ids.n && strcmp(ids.v[k], id) != 0)
				k++;
			if (k == ids.n) {
				strvec_push(&ids, id);
				json_object_array_add(rules, rule_json(id));
			}
			json_object_array_add(results,
					      result_json(&c, &fs->v[i], (int)k));
			n_results++;
		}
	}
	strvec_free(&ids);

	struct json_object *driver = json_object_new_object();
	add(driver, "name", json_object_new_string("ksymaudit"));
	add(driver, "version", json_object_new_string(PACKAGE_VERSION));
	add(driver, "semanticVersion", json_object_new_string(PACKAGE_VERSION));
	add(driver, "rules", rules);
	struct json_object *tool = json_object_new_object();
	add(tool, "driver", driver);

	struct json_object *invs = json_object_new_array();
	json_object_array_add(invs, invocation_json(&c, &run->diags,
						    fs->n - n_results));

	struct json_object *r = json_object_new_object();
	add(r, "tool", tool);
	add(r, "invocations", invs);
	struct json_object *bases = uri_bases(&c);
	if (json_object_object_length(bases))
		add(r, "originalUriBaseIds", bases);
	else
		json_object_put(bases);
	add(r, "results", results);
	if (c.o->baseline) {
		/* Findings of the baseline that are gone are counted here, not
		 * emitted as "absent" results: code scanning would show them
		 * as alerts, and it closes alerts missing from an upload. */
		const struct ka_baseline *b = c.o->baseline;
		struct json_object *props = json_object_new_object();
		struct json_object *bo = json_object_new_object();
		add(bo, "path", ka_json_string(b->path));
		add(bo, "new", json_object_new_int64((int64_t)b->n_new));
		add(bo, "unchanged", json_object_new_int64((int64_t)b->n_unchanged));
		add(bo, "absent", json_object_new_int64((int64_t)b->n_absent));
		add(props, "baseline", bo);
		add(r, "properties", props);
	}
	struct json_object *runs = json_object_new_array();
	json_object_array_add(runs, r);

	add(root, "$schema", json_object_new_string(SARIF_SCHEMA));
	add(root, "version", json_object_new_string("2.1.0"));
	add(root, "runs", runs);
	return ka_json_write(out, root, o && o->pretty);
}

const struct ka_emitter ka_emit_sarif = { .name = "sarif", .emit = emit_sarif };
