/* Unit tests of the tree -j report reader (src/readers/report.c): a good
 * report read back whole, and hostile ones refused with the field named. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/report.h"
#include "tests/ka-check.h"

#define HEAD "{\"schema_version\":2,\"command\":\"tree\","
#define EMPTY_FACTS "\"inline_uses\":[],\"reach\":{\"max_depth\":3,\"functions\":[]}"

static int parse(const char *text, struct ka_report *r, struct ka_diags *d)
{
	return ka_report_parse("r.json", text, strlen(text), r, d);
}

/* Parses text, expects a refusal whose message contains want. */
static void refused(const char *text, const char *want)
{
	struct ka_report r;
	struct ka_diags d = { 0 };
	ck_assert_int_lt(parse(text, &r, &d), 0);
	ck_assert_uint_ge(d.n, 1);
	ck_assert(d.v[0].fatal);
	ck_assert_str_eq(d.v[0].file, "r.json");
	if (!strstr(d.v[0].message, want))
		ck_abort_msg("message '%s' lacks '%s'", d.v[0].message, want);
	ka_report_free(&r);
	ka_diags_free(&d);
}

START_TEST(test_report_read_back)
{
	struct ka_report r;
	struct ka_diags d = { 0 };
	const char *text = HEAD
		"\"exports\":[{\"symbol\":\"a\",\"type\":\"EXPORT_SYMBOL_GPL\","
		"\"namespace\":\"NS\",\"owner\":\"vmlinux\"},"
		"{\"symbol\":\"b\",\"type\":\"EXPORT_SYMBOL\",\"namespace\":null,"
		"\"owner\":\"mod\"}],"
		"\"findings\":[{\"check\":\"export-wrapper\",\"severity\":\"warning\","
		"\"module\":\"vmlinux\",\"file\":\"x.c\",\"line\":4,\"symbol\":\"b\","
		"\"message\":\"m\",\"sites\":[{\"function\":\"b\",\"file\":\"x.c\","
		"\"line\":4,\"kind\":\"call\",\"section\":\".text\",\"offset\":16,"
		"\"debuginfo\":true,\"inline_chain\":[{\"function\":\"i\","
		"\"decl_file\":\"include/i.h\",\"decl_line\":2,\"call_file\":\"x.c\","
		"\"call_line\":4}]}],\"path\":[{\"symbol\":\"a\",\"kind\":\"call\"}]}],"
		"\"inline_uses\":[{\"function\":\"i\",\"decl_file\":\"include/i.h\","
		"\"decl_line\":2,\"gpl_symbols\":[\"a\"],\"instances\":3}],"
		"\"reach\":{\"max_depth\":3,\"functions\":[{\"owner\":\"vmlinux\","
		"\"function\":\"h\",\"gpl_export\":\"a\",\"plain_path\":[\"b\",\"h\"]}]}}";
	ck_assert_int_eq(parse(text, &r, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	const struct ka_export *a = ka_exportdb_find(&r.exports, "a");
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->type, KA_EXPORT_GPL);
	ck_assert_str_eq(a->ns, "NS");
	ck_assert_str_eq(ka_exportdb_find(&r.exports, "b")->owner, "mod");
	ck_assert_uint_eq(r.findings.n, 1);
	const struct ka_finding *f = &r.findings.v[0];
	ck_assert_str_eq(f->check, "export-wrapper");
	ck_assert_int_eq(f->severity, KA_SEV_WARNING);
	ck_assert_uint_eq(f->line, 4);
	ck_assert_uint_eq(f->n_sites, 1);
	ck_assert_uint_eq(f->sites[0].offset, 16);
	ck_assert_uint_eq(f->sites[0].n_chain, 1);
	ck_assert_str_eq(f->sites[0].chain[0].decl_file, "include/i.h");
	ck_assert_uint_eq(f->n_path, 1);
	ck_assert_str_eq(f->path[0].symbol, "a");
	/* The identity survives the round trip. */
	char fp[17];
	ka_finding_fingerprint(f, fp);
	ck_assert_uint_eq(strlen(fp), 16);
	ck_assert_uint_eq(r.facts.n_uses, 1);
	ck_assert_uint_eq(r.facts.uses[0]->inline_instances, 3);
	ck_assert_str_eq(r.facts.uses[0]->syms[0].symbol, "a");
	ck_assert(r.facts.uses[0]->syms[0].own); /* no gpl_instances */
	ck_assert_uint_eq(r.facts.n_reach, 1);
	ck_assert_str_eq(r.facts.reach[0].gpl_export, "a");
	ck_assert_uint_eq(r.facts.reach[0].plain_path.n, 2);
	ck_assert_uint_eq(r.facts.max_depth, 3);
	ka_report_free(&r);
	ka_diags_free(&d);
}
END_TEST

START_TEST(test_report_hostile)
{
	refused("", "empty file");
	refused("{", "not a JSON document");
	refused("[1,2]", "not a JSON object");
	refused("null", "not a JSON object");
	refused("  \n", "unexpected end of file");
	refused("{} trailing", "not a JSON document: trailing data");
	refused("{\"schema_version\":\"1\"}", "'schema_version' is not an integer");
	refused("{\"schema_version\":1,\"command\":\"tree\"}", "schema_version 1");
	refused("{\"schema_version\":-1,\"command\":\"tree\"}", "negative");
	refused("{\"schema_version\":2,\"command\":\"check\",\"findings\":[]}",
		"not by 'ksymaudit tree -j'");
	refused(HEAD "\"findings\":[]}", "no export table");
	refused(HEAD "\"exports\":{}}", "'exports' is not an array");
	refused(HEAD "\"inputs\":[{\"path\":1}],\"exports\":[]}",
		"inputs[0]: 'path' is not a string");
	refused(HEAD "\"errors\":[{\"message\":\"m\",\"fatal\":\"yes\"}],"
		"\"exports\":[]}", "errors[0]: 'fatal' is not a boolean");
	refused(HEAD "\"exports\":[7]}", "exports[0]: not an object");
	refused(HEAD "\"exports\":[{\"symbol\":1,\"type\":\"EXPORT_SYMBOL\"}]}",
		"exports[0]: 'symbol' is not a string");
	refused(HEAD "\"exports\":[{\"symbol\":\"a\",\"type\":\"EXPORT_BOGUS\"}]}",
		"unknown export type");
	refused(HEAD "\"exports\":[{\"symbol\":\"\",\"type\":\"EXPORT_SYMBOL\"}]}",
		"empty symbol");
	refused(HEAD "\"exports\":[]}", "'findings' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\"}]}",
		"findings[0]: 'severity' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"fatal\",\"message\":\"m\"}]}", "unknown severity");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"line\":99999999999}]}",
		"'line' is too large");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"line\":1.5}]}",
		"'line' is not an integer");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"sites\":[{\"kind\":\"jump\"}]}]}",
		"unknown reference kind");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"sites\":[{\"debuginfo\":1}]}]}",
		"'debuginfo' is not a boolean");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"path\":[{\"kind\":\"call\"}]}]}",
		"path[0]: 'symbol' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[]}", "'inline_uses' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[],\"inline_uses\":[{\"function\":"
		"\"f\",\"decl_file\":\"h\",\"gpl_symbols\":[1]}]}",
		"'gpl_symbols[0]' is not a string");
	refused(HEAD "\"exports\":[],\"findings\":[],\"inline_uses\":[]}",
		"'reach' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[],\"inline_uses\":[],"
		"\"reach\":{\"max_depth\":99,\"functions\":[]}}", "too large");
	refused(HEAD "\"exports\":[],\"findings\":[],\"inline_uses\":[],"
		"\"reach\":{\"functions\":[{\"owner\":\"v\"}]}}",
		"reach.functions[0]: 'function' is missing");
}
END_TEST

START_TEST(test_report_empty_ok_and_missing_file)
{
	struct ka_report r;
	struct ka_diags d = { 0 };
	ck_assert_int_eq(parse(HEAD "\"inputs\":[{\"path\":\"v\",\"kind\":"
			       "\"vmlinux\",\"status\":\"error\"}],\"errors\":"
			       "[{\"file\":\"v\",\"line\":null,\"message\":\"gone\","
			       "\"fatal\":true}],\"exports\":[],\"findings\":[],"
			       EMPTY_FACTS "}", &r, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(r.n_inputs, 1);
	ck_assert(!r.inputs[0].ok);
	ck_assert_uint_eq(r.errors.n, 1);
	ck_assert(r.errors.v[0].fatal);
	ck_assert_str_eq(r.errors.v[0].message, "gone");
	ka_report_free(&r);
	ck_assert_int_lt(ka_report_read("/nonexistent/r.json", &r, &d), 0);
	ck_assert_uint_eq(d.n, 1);
	ck_assert(d.v[0].fatal);
	ka_report_free(&r);
	ka_diags_free(&d);
}
END_TEST

/* The structured fields of findings come back (diff carries them on). */
START_TEST(test_report_structured_fields)
{
	struct ka_report r;
	struct ka_diags d = { 0 };
	const char *text = HEAD "\"exports\":[],\"findings\":["
		"{\"check\":\"inline-exposure\",\"severity\":\"warning\","
		"\"message\":\"m\",\"gpl_symbols\":[{\"symbol\":\"g\","
		"\"instances\":2,\"inline_instances\":5,\"via\":[\"inner\"]}]},"
		"{\"check\":\"export-wrapper\",\"severity\":\"warning\","
		"\"message\":\"m\",\"score\":1.5,\"targets\":[{\"symbol\":\"t\","
		"\"path\":[{\"symbol\":\"h\",\"kind\":\"call\"},"
		"{\"symbol\":\"t\",\"kind\":\"data\"}]}]}]," EMPTY_FACTS "}";
	ck_assert_int_eq(parse(text, &r, &d), 0);
	ck_assert_uint_eq(r.findings.n, 2);
	const struct ka_finding *ie = &r.findings.v[0], *ew = &r.findings.v[1];
	ck_assert_uint_eq(ie->n_gpl_symbols, 1);
	ck_assert_str_eq(ie->gpl_symbols[0].symbol, "g");
	ck_assert_uint_eq(ie->gpl_symbols[0].instances, 2);
	ck_assert_uint_eq(ie->gpl_symbols[0].inline_instances, 5);
	ck_assert_uint_eq(ie->gpl_symbols[0].via.n, 1);
	ck_assert_str_eq(ie->gpl_symbols[0].via.v[0], "inner");
	ck_assert(!ie->has_score);
	ck_assert(ew->has_score);
	ck_assert(ew->score == 1.5);
	ck_assert_uint_eq(ew->n_targets, 1);
	ck_assert_str_eq(ew->targets[0].symbol, "t");
	ck_assert_uint_eq(ew->targets[0].n_steps, 2);
	ck_assert_int_eq(ew->targets[0].steps[1].kind, KA_REF_DATA);
	ka_report_free(&r);
	ka_diags_free(&d);
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"targets\":[{\"symbol\":"
		"\"t\",\"path\":[{\"kind\":\"call\"}]}]}]}",
		"targets[0].path[0]: 'symbol' is missing");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"score\":\"high\"}]}",
		"'score' is not a number");
	refused(HEAD "\"exports\":[],\"findings\":[{\"check\":\"x\","
		"\"severity\":\"note\",\"message\":\"m\",\"gpl_symbols\":[{"
		"\"symbol\":\"g\",\"via\":[3]}]}]}", "'via[0]' is not a string");
}
END_TEST

/* Deep nesting and embedded NULs do not crash the reader. */
START_TEST(test_report_deep_and_nul)
{
	struct ka_report r;
	struct ka_diags d = { 0 };
	size_t n = 100000;
	char *deep = malloc(2 * n + 1);
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	deep[2 * n] = '\0';
	ck_assert_int_lt(parse(deep, &r, &d), 0);
	ck_assert_ptr_nonnull(strstr(d.v[0].message, "nesting too deep"));
	ka_report_free(&r);
	free(deep);
	ka_diags_free(&d);
	/* A name with a NUL byte is refused, not cut short at it. */
	refused(HEAD "\"exports\":[{\"symbol\":\"a\\u0000b\","
		"\"type\":\"EXPORT_SYMBOL\"}],\"findings\":[]," EMPTY_FACTS "}",
		"exports[0]: 'symbol' contains a NUL byte");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("report");
	tcase_add_test(tc, test_report_read_back);
	tcase_add_test(tc, test_report_hostile);
	tcase_add_test(tc, test_report_empty_ok_and_missing_file);
	tcase_add_test(tc, test_report_structured_fields);
	tcase_add_test(tc, test_report_deep_and_nul);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
