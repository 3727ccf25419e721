/*
 * Unit tests of the JSON and SARIF emitters: a run built by hand is emitted
 * into memory, parsed back with json-c (strictly, with UTF-8 validation) and
 * checked field by field.
 */
#include <check.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/emit.h"
#include "../../src/emit/jsonutil.h"
#include "tests/ka-check.h"

/* A symbol name with invalid UTF-8 and control bytes, as vendor modules have. */
#define BAD_SYMBOL "bad\xff\x01sym\xc0\x80\n\xed\xa0\x80\xf4\x90\x80\x80"
#define BAD_SYMBOL_CLEAN                                                       \
	"bad\xef\xbf\xbd\x01sym\xef\xbf\xbd\xef\xbf\xbd\n"                     \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"                                 \
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"

struct fixture {
	struct ka_run run;
	struct ka_finding findings[4];
	struct ka_site sites[3];
	struct ka_inline_frame chain[2];
	struct ka_path_step path[2];
	struct ka_input inputs[2];
	struct ka_diag diags[2];
};

/* Strings are literals: the fixture owns nothing and frees nothing. */
static void fixture_init(struct fixture *fx, bool with_fatal)
{
	memset(fx, 0, sizeof(*fx));
	fx->run.command = "check";

	fx->inputs[0] = (struct ka_input){ "foo.ko", "module", true };
	fx->inputs[1] = (struct ka_input){ "missing.ko", "module", false };
	fx->run.inputs = fx->inputs;
	fx->run.n_inputs = 2;

	fx->diags[0] = (struct ka_diag){ "Module.symvers", 12, false,
					 "malformed line skipped" };
	fx->diags[1] = (struct ka_diag){ "missing.ko", 0, true,
					 "No such file or directory" };
	fx->run.diags.v = fx->diags;
	fx->run.diags.n = with_fatal ? 2 : 1;

	/* rcu_read_lock() inlined into foo_release() at foo.c:120. */
	fx->chain[0] = (struct ka_inline_frame){ "rcu_read_lock",
						 "include/linux/rcupdate.h",
						 740, "foo.c", 120 };
	fx->sites[0] = (struct ka_site){
		.function = "foo_release", .file = "include/linux/rcupdate.h",
		.line = 747, .kind = KA_REF_CALL, .section = ".text",
		.offset = 0x42, .chain = fx->chain, .n_chain = 1,
		.has_debuginfo = true,
	};
	/* A direct data reference without debug info. */
	fx->sites[1] = (struct ka_site){
		.function = "foo_ops", .kind = KA_REF_DATA,
		.section = ".data.rel.ro", .offset = 0x10,
	};

	struct ka_finding *f = fx->findings;
	f[0] = (struct ka_finding){
		.check = "gpl-only-use", .severity = KA_SEV_ERROR,
		.module = "foo", .file = "foo.c", .line = 120,
		.symbol = "__rcu_read_lock",
		.message = "GPL-incompatible module foo.ko uses GPL-only symbol "
			   "'__rcu_read_lock'",
		.sites = fx->sites, .n_sites = 2,
	};
	f[1] = (struct ka_finding){
		.check = "unresolved-symbol", .severity = KA_SEV_WARNING,
		.module = "foo", .file = "/abs/dir with space/foo.ko",
		.symbol = BAD_SYMBOL, .message = "symbol " BAD_SYMBOL " undefined",
	};
	f[2] = (struct ka_finding){
		.check = "export-wrapper", .severity = KA_SEV_WARNING,
		.symbol = "hmm_devmem_add",
		.message = "EXPORT_SYMBOL hmm_devmem_add reaches GPL-only "
			   "devm_memremap_pages",
		.path = fx->path, .n_path = 2, .count = 3,
		.note = "verdict holds for this configuration",
		.waived_by = "reviewed: \"ok\" by maintainers",
	};
	fx->path[0] = (struct ka_path_step){ "hmm_devmem_add", KA_REF_CALL };
	fx->path[1] = (struct ka_path_step){ "devm_memremap_pages",
					     KA_REF_DATA };
	f[3] = (struct ka_finding){
		.check = "gpl-only-use", .severity = KA_SEV_NOTE,
		.module = "bar", .file = "bar.ko", .symbol = "x",
		.message = "note finding",
	};
	fx->run.findings.v = fx->findings;
	fx->run.findings.n = 4;
}

/* Emits run with e into memory; the caller frees the text. */
static char *emit(const struct ka_emitter *e, const struct ka_run *run,
		  bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ka_emit_opts o = { .pretty = pretty };

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(e->emit(f, run, &o), 0);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_uint_eq(strlen(buf), len);
	ck_assert_msg(len > 0 && buf[len - 1] == '\n', "no final newline");
	return buf;
}

/* Parses text strictly and with UTF-8 validation; fails on any error. */
static struct json_object *parse(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
					    JSON_TOKENER_VALIDATE_UTF8);
	struct json_object *j = json_tokener_parse_ex(tok, text,
						      (int)strlen(text));
	ck_assert_msg(json_tokener_get_error(tok) == json_tokener_success,
		      "invalid JSON: %s",
		      json_tokener_error_desc(json_tokener_get_error(tok)));
	/* Nothing but the final newline follows the document. */
	size_t end = json_tokener_get_parse_end(tok), len = strlen(text);
	ck_assert(end == len || (end == len - 1 && text[end] == '\n'));
	ck_assert(len >= 2 && text[len - 2] == '}');
	json_tokener_free(tok);
	return j;
}

/* Follows a path like "runs.0.tool.driver.name"; fails if it is missing. */
static struct json_object *at(struct json_object *j, const char *path)
{
	char *copy = strdup(path), *save = NULL;

	for (char *k = strtok_r(copy, ".", &save); k;
	     k = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(j, json_type_array)) {
			size_t i = strtoul(k, NULL, 10);
			ck_assert_msg(i < json_object_array_length(j),
				      "%s: index %s out of range", path, k);
			j = json_object_array_get_idx(j, i);
		} else {
			ck_assert_msg(json_object_object_get_ex(j, k, &j),
				      "%s: no key %s", path, k);
		}
	}
	free(copy);
	return j;
}

static bool has(struct json_object *j, const char *key)
{
	return json_object_object_get_ex(j, key, NULL);
}

#define STR(j, p) json_object_get_string(at((j), (p)))
#define INT(j, p) json_object_get_int64(at((j), (p)))
#define LEN(j, p) json_object_array_length(at((j), (p)))
#define IS_NULL(j, p) ck_assert_ptr_null(at((j), (p)))

START_TEST(test_emit_utf8_sanitize)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain", "plain" },
		{ "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },       /* valid */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },         /* 4 bytes */
		{ "a\xc3", "a\xef\xbf\xbd" },                     /* truncated */
		{ "\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "\x80x", "\xef\xbf\xbdx" },                     /* lone cont. */
		{ "\xf5\x80", "\xef\xbf\xbd\xef\xbf\xbd" },       /* > 0xf4 */
		{ BAD_SYMBOL, BAD_SYMBOL_CLEAN },
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(cases); i++) {
		char *s = ka_utf8_sanitize(cases[i].in);
		ck_assert_str_eq(s, cases[i].out);
		free(s);
	}
}
END_TEST

START_TEST(test_emit_json_document)
{
	struct fixture fx;
	fixture_init(&fx, true);
	char *text = emit(&ka_emit_json, &fx.run, false);
	/* Compact: one line. */
	ck_assert_ptr_eq(strchr(text, '\n'), text + strlen(text) - 1);
	struct json_object *j = parse(text);

	/* Key order is part of the format. */
	static const char *const keys[] = { "schema_version", "tool", "command",
					    "inputs", "errors", "findings",
					    "summary" };
	size_t k = 0;
	json_object_object_foreach(j, key, val) {
		(void)val;
		ck_assert_uint_lt(k, KA_ARRAY_SIZE(keys));
		ck_assert_str_eq(key, keys[k++]);
	}
	ck_assert_uint_eq(k, KA_ARRAY_SIZE(keys));

	ck_assert_int_eq(INT(j, "schema_version"), KA_JSON_SCHEMA_VERSION);
	ck_assert_str_eq(STR(j, "tool.name"), "ksymaudit");
	ck_assert_str_eq(STR(j, "tool.version"), PACKAGE_VERSION);
	ck_assert_uint_eq(LEN(j, "tool.features"), 4);
	ck_assert_str_eq(STR(j, "tool.features.0"), ENABLE_XZ ? "+xz" : "-xz");
	ck_assert_str_eq(STR(j, "command"), "check");

	ck_assert_uint_eq(LEN(j, "inputs"), 2);
	ck_assert_str_eq(STR(j, "inputs.0.path"), "foo.ko");
	ck_assert_str_eq(STR(j, "inputs.0.kind"), "module");
	ck_assert_str_eq(STR(j, "inputs.0.status"), "ok");
	ck_assert_str_eq(STR(j, "inputs.1.status"), "error");

	ck_assert_uint_eq(LEN(j, "errors"), 2);
	ck_assert_str_eq(STR(j, "errors.0.file"), "Module.symvers");
	ck_assert_int_eq(INT(j, "errors.0.line"), 12);
	ck_assert(!json_object_get_boolean(at(j, "errors.0.fatal")));
	ck_assert(!has(at(j, "errors.1"), "line"));
	ck_assert_str_eq(STR(j, "errors.1.message"), "No such file or directory");
	ck_assert(json_object_get_boolean(at(j, "errors.1.fatal")));

	ck_assert_int_eq(INT(j, "summary.findings"), 4);
	ck_assert_int_eq(INT(j, "summary.errors"), 1);
	ck_assert_int_eq(INT(j, "summary.warnings_inputs"), 1);
	ck_assert_int_eq(INT(j, "summary.waived"), 1);
	ck_assert_int_eq(INT(j, "summary.by_check.gpl-only-use"), 2);
	ck_assert_int_eq(INT(j, "summary.by_check.unresolved-symbol"), 1);
	ck_assert_int_eq(INT(j, "summary.by_check.export-wrapper"), 1);
	ck_assert_int_eq(json_object_object_length(at(j, "summary.by_check")), 3);
	/* by_check is sorted by id. */
	json_object_object_foreach(at(j, "summary.by_check"), id, n) {
		(void)n;
		ck_assert_str_eq(id, "export-wrapper");
		break;
	}
	ck_assert_int_eq(INT(j, "summary.by_severity.error"), 1);
	ck_assert_int_eq(INT(j, "summary.by_severity.warning"), 2);
	ck_assert_int_eq(INT(j, "summary.by_severity.note"), 1);

	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_json_findings)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_json, &fx.run, false);
	struct json_object *j = parse(text);

	ck_assert_uint_eq(LEN(j, "findings"), 4);
	struct json_object *f = at(j, "findings.0");
	ck_assert_str_eq(STR(f, "check"), "gpl-only-use");
	ck_assert_str_eq(STR(f, "severity"), "error");
	ck_assert_str_eq(STR(f, "module"), "foo");
	ck_assert_str_eq(STR(f, "file"), "foo.c");
	ck_assert_int_eq(INT(f, "line"), 120);
	ck_assert_str_eq(STR(f, "symbol"), "__rcu_read_lock");
	ck_assert_str_eq(STR(f, "message"), fx.findings[0].message);
	ck_assert(!json_object_get_boolean(at(f, "waived")));
	ck_assert(!has(f, "waiver_reason"));
	ck_assert(!has(f, "count"));
	ck_assert(!has(f, "note"));
	ck_assert_uint_eq(LEN(f, "path"), 0);

	ck_assert_uint_eq(LEN(f, "sites"), 2);
	ck_assert_str_eq(STR(f, "sites.0.function"), "foo_release");
	ck_assert_str_eq(STR(f, "sites.0.file"), "include/linux/rcupdate.h");
	ck_assert_int_eq(INT(f, "sites.0.line"), 747);
	ck_assert_str_eq(STR(f, "sites.0.kind"), ka_ref_kind_name(KA_REF_CALL));
	ck_assert_str_eq(STR(f, "sites.0.section"), ".text");
	ck_assert_int_eq(INT(f, "sites.0.offset"), 0x42);
	ck_assert(json_object_get_boolean(at(f, "sites.0.debuginfo")));
	ck_assert_uint_eq(LEN(f, "sites.0.inline_chain"), 1);
	ck_assert_str_eq(STR(f, "sites.0.inline_chain.0.function"), "rcu_read_lock");
	ck_assert_str_eq(STR(f, "sites.0.inline_chain.0.decl_file"),
			 "include/linux/rcupdate.h");
	ck_assert_int_eq(INT(f, "sites.0.inline_chain.0.decl_line"), 740);
	ck_assert_str_eq(STR(f, "sites.0.inline_chain.0.call_file"), "foo.c");
	ck_assert_int_eq(INT(f, "sites.0.inline_chain.0.call_line"), 120);

	IS_NULL(f, "sites.1.file");
	IS_NULL(f, "sites.1.line");
	ck_assert_str_eq(STR(f, "sites.1.kind"), ka_ref_kind_name(KA_REF_DATA));
	ck_assert(!json_object_get_boolean(at(f, "sites.1.debuginfo")));
	ck_assert_uint_eq(LEN(f, "sites.1.inline_chain"), 0);

	/* Nulls where nothing applies; waiver, count, note and path. */
	f = at(j, "findings.2");
	IS_NULL(f, "module");
	IS_NULL(f, "file");
	IS_NULL(f, "line");
	ck_assert(json_object_get_boolean(at(f, "waived")));
	ck_assert_str_eq(STR(f, "waiver_reason"), "reviewed: \"ok\" by maintainers");
	ck_assert_int_eq(INT(f, "count"), 3);
	ck_assert_str_eq(STR(f, "note"), "verdict holds for this configuration");
	ck_assert_uint_eq(LEN(f, "sites"), 0);
	ck_assert_uint_eq(LEN(f, "path"), 2);
	ck_assert_str_eq(STR(f, "path.0.symbol"), "hmm_devmem_add");
	ck_assert_str_eq(STR(f, "path.0.kind"), ka_ref_kind_name(KA_REF_CALL));
	ck_assert_str_eq(STR(f, "path.1.symbol"), "devm_memremap_pages");
	ck_assert_str_eq(STR(f, "path.1.kind"), ka_ref_kind_name(KA_REF_DATA));
	ck_assert_str_eq(STR(j, "findings.3.severity"), "note");

	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_json_bad_bytes)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_json, &fx.run, false);

	/* The raw text is valid UTF-8 without a single control byte. */
	for (const char *p = text; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || p[1] == '\0',
			      "raw control byte at %zu", (size_t)(p - text));
	char *clean = ka_utf8_sanitize(text);
	ck_assert_str_eq(clean, text);
	free(clean);
	ck_assert_ptr_nonnull(strstr(text, "\\u0001"));

	struct json_object *j = parse(text);
	ck_assert_str_eq(STR(j, "findings.1.symbol"), BAD_SYMBOL_CLEAN);
	ck_assert_str_eq(STR(j, "findings.1.message"),
			 "symbol " BAD_SYMBOL_CLEAN " undefined");
	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_json_pretty)
{
	struct fixture fx;
	fixture_init(&fx, true);
	char *compact = emit(&ka_emit_json, &fx.run, false);
	char *pretty = emit(&ka_emit_json, &fx.run, true);

	ck_assert_ptr_nonnull(strstr(pretty, "\n  \"schema_version\": 2,\n"));
	struct json_object *a = parse(compact), *b = parse(pretty);
	ck_assert(json_object_equal(a, b));
	json_object_put(a);
	json_object_put(b);
	free(compact);
	free(pretty);
}
END_TEST

START_TEST(test_emit_json_empty)
{
	struct ka_run run;
	memset(&run, 0, sizeof(run));
	run.command = "tree";
	char *text = emit(&ka_emit_json, &run, false);
	struct json_object *j = parse(text);

	ck_assert_str_eq(STR(j, "command"), "tree");
	ck_assert_uint_eq(LEN(j, "inputs"), 0);
	ck_assert_uint_eq(LEN(j, "errors"), 0);
	ck_assert_uint_eq(LEN(j, "findings"), 0);
	ck_assert_int_eq(INT(j, "summary.findings"), 0);
	ck_assert_int_eq(json_object_object_length(at(j, "summary.by_check")), 0);
	ck_assert_int_eq(INT(j, "summary.by_severity.error"), 0);
	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_sarif_results)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_sarif, &fx.run, false);
	struct json_object *j = parse(text);

	ck_assert_str_eq(STR(j, "version"), "2.1.0");
	ck_assert_ptr_nonnull(strstr(STR(j, "$schema"), "sarif-schema-2.1.0.json"));
	ck_assert_uint_eq(LEN(j, "runs"), 1);
	struct json_object *r = at(j, "runs.0");
	ck_assert_str_eq(STR(r, "tool.driver.name"), "ksymaudit");
	ck_assert_str_eq(STR(r, "tool.driver.version"), PACKAGE_VERSION);

	/* One rule per check id that occurs, in order of appearance. */
	ck_assert_uint_eq(LEN(r, "tool.driver.rules"), 3);
	ck_assert_str_eq(STR(r, "tool.driver.rules.0.id"), "gpl-only-use");
	ck_assert_str_eq(STR(r, "tool.driver.rules.1.id"), "unresolved-symbol");
	ck_assert_str_eq(STR(r, "tool.driver.rules.2.id"), "export-wrapper");
	ck_assert_ptr_nonnull(strstr(STR(r, "tool.driver.rules.0.shortDescription.text"),
				     "GPL-only"));

	ck_assert_uint_eq(LEN(r, "results"), 4);
	ck_assert_str_eq(STR(r, "results.0.ruleId"), "gpl-only-use");
	ck_assert_int_eq(INT(r, "results.0.ruleIndex"), 0);
	ck_assert_str_eq(STR(r, "results.0.level"), "error");
	ck_assert_str_eq(STR(r, "results.0.message.text"), fx.findings[0].message);
	ck_assert_str_eq(STR(r, "results.0.locations.0.physicalLocation.artifactLocation.uri"),
			 "foo.c");
	ck_assert_int_eq(INT(r, "results.0.locations.0.physicalLocation.region.startLine"),
			 120);
	ck_assert_str_eq(STR(r, "results.1.level"), "warning");
	ck_assert_int_eq(INT(r, "results.1.ruleIndex"), 1);
	ck_assert_str_eq(STR(r, "results.1.locations.0.physicalLocation.artifactLocation.uri"),
			 "file:///abs/dir%20with%20space/foo.ko");
	ck_assert(!has(at(r, "results.1.locations.0.physicalLocation"), "region"));
	ck_assert_str_eq(STR(r, "results.1.properties.symbol"), BAD_SYMBOL_CLEAN);
	ck_assert(!has(at(r, "results.2"), "locations"));
	ck_assert_str_eq(STR(r, "results.3.level"), "note");
	ck_assert_int_eq(INT(r, "results.3.ruleIndex"), 0);

	/* Sites are related locations. */
	ck_assert_uint_eq(LEN(r, "results.0.relatedLocations"), 2);
	ck_assert_str_eq(STR(r, "results.0.relatedLocations.0.physicalLocation.artifactLocation.uri"),
			 "include/linux/rcupdate.h");
	ck_assert_int_eq(INT(r, "results.0.relatedLocations.0.physicalLocation.region.startLine"),
			 747);
	ck_assert_str_eq(STR(r, "results.0.relatedLocations.1.logicalLocations.0.name"),
			 "foo_ops");
	ck_assert(!has(at(r, "results.0.relatedLocations.1"), "physicalLocation"));
	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_sarif_code_flow)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_sarif, &fx.run, false);
	struct json_object *j = parse(text);
	struct json_object *r = at(j, "runs.0.results.0");

	/* Only the site with an inline chain has a code flow. */
	ck_assert_uint_eq(LEN(r, "codeFlows"), 1);
	struct json_object *locs = at(r, "codeFlows.0.threadFlows.0.locations");
	ck_assert_uint_eq(json_object_array_length(locs), 2);
	/* Innermost first: the reference in the header inline… */
	ck_assert_str_eq(STR(locs, "0.location.physicalLocation.artifactLocation.uri"),
			 "include/linux/rcupdate.h");
	ck_assert_int_eq(INT(locs, "0.location.physicalLocation.region.startLine"), 747);
	ck_assert_str_eq(STR(locs, "0.location.logicalLocations.0.name"), "rcu_read_lock");
	/* …then where it was inlined into the module's function. */
	ck_assert_str_eq(STR(locs, "1.location.physicalLocation.artifactLocation.uri"),
			 "foo.c");
	ck_assert_int_eq(INT(locs, "1.location.physicalLocation.region.startLine"), 120);
	ck_assert_str_eq(STR(locs, "1.location.message.text"),
			 "rcu_read_lock() inlined into foo_release()");
	ck_assert(!has(at(j, "runs.0.results.1"), "codeFlows"));
	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_sarif_suppression)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_sarif, &fx.run, true);
	struct json_object *j = parse(text);

	ck_assert(!has(at(j, "runs.0.results.0"), "suppressions"));
	struct json_object *r = at(j, "runs.0.results.2");
	ck_assert_uint_eq(LEN(r, "suppressions"), 1);
	ck_assert_str_eq(STR(r, "suppressions.0.kind"), "external");
	ck_assert_str_eq(STR(r, "suppressions.0.justification"),
			 "reviewed: \"ok\" by maintainers");
	json_object_put(j);
	free(text);
}
END_TEST

START_TEST(test_emit_sarif_notifications)
{
	struct fixture fx;
	fixture_init(&fx, false);
	char *text = emit(&ka_emit_sarif, &fx.run, false);
	struct json_object *j = parse(text);
	struct json_object *inv = at(j, "runs.0.invocations.0");

	ck_assert(json_object_get_boolean(at(inv, "executionSuccessful")));
	ck_assert_uint_eq(LEN(inv, "toolExecutionNotifications"), 1);
	ck_assert_str_eq(STR(inv, "toolExecutionNotifications.0.level"), "warning");
	ck_assert_int_eq(INT(inv, "toolExecutionNotifications.0.locations.0.physicalLocation.region.startLine"),
			 12);
	json_object_put(j);
	free(text);

	fixture_init(&fx, true);
	text = emit(&ka_emit_sarif, &fx.run, false);
	j = parse(text);
	inv = at(j, "runs.0.invocations.0");
	ck_assert(!json_object_get_boolean(at(inv, "executionSuccessful")));
	ck_assert_uint_eq(LEN(inv, "toolExecutionNotifications"), 2);
	ck_assert_str_eq(STR(inv, "toolExecutionNotifications.1.level"), "error");
	ck_assert_str_eq(STR(inv, "toolExecutionNotifications.1.message.text"),
			 "No such file or directory");
	json_object_put(j);
	free(text);
}
END_TEST

/* Structured data of the tree checks, in JSON findings and SARIF results. */
START_TEST(test_emit_json_tree_fields)
{
	struct ka_run run = { .command = "tree" };
	struct ka_finding f[2] = {
		{ .check = "inline-exposure", .severity = KA_SEV_WARNING,
		  .symbol = "put_page", .message = "m" },
		{ .check = "export-wrapper", .severity = KA_SEV_WARNING,
		  .symbol = "shim", .message = "m", .score = 12.5,
		  .has_score = true },
	};
	struct ka_inline_sym y = { .symbol = "devmap_managed_key",
				   .instances = 510, .by_param = 3,
				   .own = true, .inline_instances = 516 };
	strvec_push(&y.via, "put_devmap_managed_page");
	ka_finding_add_symbol(&f[0], &y);
	strvec_free(&y.via);
	struct ka_wrapper_target t = { .symbol = "gpl_core" };
	ka_wrapper_target_step(&t, "helper", KA_REF_CALL);
	ka_wrapper_target_step(&t, "gpl_core", KA_REF_CALL);
	ka_finding_add_target(&f[1], &t);
	t.symbol = NULL; /* not owned */
	ka_wrapper_target_clear(&t);
	run.findings.v = f;
	run.findings.n = 2;
	char *text = emit(&ka_emit_json, &run, false);
	struct json_object *j = parse(text);
	ck_assert_str_eq(STR(j, "findings.0.gpl_symbols.0.symbol"),
			 "devmap_managed_key");
	ck_assert_int_eq(INT(j, "findings.0.gpl_symbols.0.instances"), 507);
	ck_assert_int_eq(INT(j, "findings.0.gpl_symbols.0.inline_instances"), 516);
	ck_assert_str_eq(STR(j, "findings.0.gpl_symbols.0.via.0"),
			 "put_devmap_managed_page");
	ck_assert_str_eq(STR(j, "findings.1.targets.0.symbol"), "gpl_core");
	ck_assert_str_eq(STR(j, "findings.1.targets.0.path.0.symbol"), "helper");
	ck_assert_str_eq(STR(j, "findings.1.targets.0.path.1.kind"), "call");
	ck_assert(json_object_get_double(at(j, "findings.1.score")) == 12.5);
	ck_assert(!has(at(j, "findings.0"), "score"));
	json_object_put(j);
	free(text);
	text = emit(&ka_emit_sarif, &run, false);
	j = parse(text);
	ck_assert_str_eq(STR(j, "runs.0.results.0.properties.gpl_symbols.0.symbol"),
			 "devmap_managed_key");
	ck_assert_str_eq(STR(j, "runs.0.results.1.properties.targets.0.symbol"),
			 "gpl_core");
	json_object_put(j);
	free(text);
	f[0].file = f[1].file = NULL;
	run.findings.v = NULL;
	run.findings.n = 0;
	struct ka_findings fs = { .v = xcalloc(2, sizeof(*fs.v)), .n = 2 };
	fs.v[0] = f[0];
	fs.v[1] = f[1];
	fs.v[0].symbol = xstrdup("put_page");
	fs.v[1].symbol = xstrdup("shim");
	fs.v[0].message = xstrdup("m");
	fs.v[1].message = xstrdup("m");
	ka_findings_free(&fs); /* frees gpl_symbols and targets */
}
END_TEST

/* Text: one chain per cause with a count and examples; -v lists all. */
START_TEST(test_emit_text_groups)
{
	struct ka_run run = { .command = "check" };
	struct ka_finding f = { .check = "gpl-only-use",
				.severity = KA_SEV_ERROR, .file = "foo.c",
				.line = 10, .symbol = "__rcu_read_lock",
				.message = "uses GPL-only symbol" };
	struct ka_inline_frame ch[4];
	struct ka_site sites[4];
	static const char *const fns[] = { "a_fn", "b_fn", "c_fn", "d_fn" };
	for (int i = 0; i < 4; i++) {
		ch[i] = (struct ka_inline_frame){ "rcu_read_lock",
						  "include/linux/rcupdate.h",
						  789, "foo.c", 10 + i };
		sites[i] = (struct ka_site){ .function = (char *)fns[i],
					     .file = "include/linux/rcupdate.h",
					     .line = 789, .kind = KA_REF_CALL,
					     .chain = &ch[i], .n_chain = 1,
					     .has_debuginfo = true };
	}
	f.sites = sites;
	f.n_sites = 4;
	run.findings.v = &f;
	run.findings.n = 1;
	char *text = emit(&ka_emit_text, &run, false);
	ck_assert_ptr_nonnull(strstr(text, "inlined into a_fn()"));
	ck_assert_ptr_null(strstr(text, "inlined into b_fn()"));
	ck_assert_ptr_nonnull(strstr(text,
		"(4 sites like this in 4 functions, e.g. b_fn() foo.c:11, "
		"c_fn() foo.c:12, d_fn() foo.c:13; -v lists all)"));
	free(text);

	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	struct ka_emit_opts opts = { .verbose = true };
	ck_assert_int_eq(ka_emit_text.emit(o, &run, &opts), 0);
	fclose(o);
	ck_assert_ptr_nonnull(strstr(buf, "inlined into d_fn()"));
	ck_assert_ptr_null(strstr(buf, "sites like this"));
	free(buf);
}
END_TEST

/* The macro hint only where the source line does not name the symbol. */
START_TEST(test_emit_text_direct_hint)
{
	char path[] = "/tmp/ka-emit-XXXXXX.c";
	int fd = mkstemps(path, 2);
	ck_assert_int_ge(fd, 0);
	FILE *src = fdopen(fd, "w");
	fputs("int x;\n\tsynchronize_rcu();\n\tMY_MACRO(x);\n", src);
	fclose(src);
	struct ka_run run = { .command = "check" };
	struct ka_site sites[2] = {
		{ .function = "f", .file = path, .line = 2, .kind = KA_REF_CALL,
		  .has_debuginfo = true },
		{ .function = "g", .file = path, .line = 3, .kind = KA_REF_CALL,
		  .has_debuginfo = true },
	};
	struct ka_finding f[2] = {
		{ .check = "gpl-only-use", .severity = KA_SEV_ERROR,
		  .symbol = "synchronize_rcu", .message = "m", .sites = &sites[0],
		  .n_sites = 1 },
		{ .check = "gpl-only-use", .severity = KA_SEV_ERROR,
		  .symbol = "synchronize_rcu", .message = "m", .sites = &sites[1],
		  .n_sites = 1 },
	};
	run.findings.v = f;
	run.findings.n = 2;
	char *text = emit(&ka_emit_text, &run, false);
	unlink(path);
	char *first = strstr(text, "look for a macro");
	ck_assert_ptr_nonnull(first); /* line 3: MY_MACRO */
	ck_assert_ptr_null(strstr(first + 1, "look for a macro"));
	ck_assert(strstr(text, "referenced directly in g()") < first);
	free(text);
}
END_TEST

START_TEST(test_emit_write_error)
{
	struct fixture fx;
	fixture_init(&fx, false);
	FILE *f = fopen("/dev/full", "w");
	if (!f) {
		/* /dev/full is part of every Linux system we run on. */
		ck_abort_msg("cannot open /dev/full");
	}
	struct ka_emit_opts o = { 0 };
	ck_assert_int_eq(ka_emit_json.emit(f, &fx.run, &o), -EIO);
	ck_assert_int_eq(ka_emit_sarif.emit(f, &fx.run, &o), -EIO);
	fclose(f);
}
END_TEST

static Suite *emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("emit");

	tcase_add_test(tc, test_emit_utf8_sanitize);
	tcase_add_test(tc, test_emit_json_document);
	tcase_add_test(tc, test_emit_json_findings);
	tcase_add_test(tc, test_emit_json_bad_bytes);
	tcase_add_test(tc, test_emit_json_pretty);
	tcase_add_test(tc, test_emit_json_empty);
	tcase_add_test(tc, test_emit_sarif_results);
	tcase_add_test(tc, test_emit_sarif_code_flow);
	tcase_add_test(tc, test_emit_sarif_suppression);
	tcase_add_test(tc, test_emit_sarif_notifications);
	tcase_add_test(tc, test_emit_write_error);
	tcase_add_test(tc, test_emit_text_groups);
	tcase_add_test(tc, test_emit_json_tree_fields);
	tcase_add_test(tc, test_emit_text_direct_hint);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return ka_check_run(emit_suite());
}
