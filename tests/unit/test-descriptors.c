/*
 * The check descriptors are the single source of a check's severity and
 * texts: for every check id, the SARIF rule (level, shortDescription,
 * fullDescription, help) and the JSON severity of a finding made by the
 * check agree with its descriptor.
 */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/emit.h"
#include "tests/ka-check.h"

static const char *sarif_level(enum ka_severity s)
{
	return s == KA_SEV_ERROR ? "error" : s == KA_SEV_WARNING ? "warning"
								 : "note";
}

/* One finding per check, with the descriptor's severity, as checks add them. */
static void run_with_all_checks(struct ka_run *run)
{
	ka_run_init(run, "check");
	for (const struct ka_check *const *c = ka_checks; *c; c++)
		ka_finding_add(&run->findings, (*c)->id, (*c)->severity, "m",
			       "m.ko", "sym", "a finding of %s", (*c)->id);
}

static struct json_object *render(const struct ka_emitter *em,
				  const struct ka_run *run)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	ck_assert_int_eq(em->emit(f, run, &(struct ka_emit_opts){ 0 }), 0);
	fclose(f);
	struct json_object *j = json_tokener_parse(buf);
	ck_assert_ptr_nonnull(j);
	free(buf);
	return j;
}

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	if (json_object_is_type(v, json_type_object) &&
	    json_object_object_get_ex(v, "text", &v))
		return json_object_get_string(v);
	return json_object_get_string(v);
}

START_TEST(test_descriptors_complete)
{
	size_t n = 0;
	for (const struct ka_check *const *c = ka_checks; *c; c++, n++) {
		ck_assert_msg((*c)->id && *(*c)->id, "check without id");
		ck_assert_msg((*c)->summary && *(*c)->summary, "%s: no summary", (*c)->id);
		ck_assert_msg((*c)->description && *(*c)->description,
			      "%s: no description", (*c)->id);
		ck_assert_msg((*c)->help && *(*c)->help, "%s: no help", (*c)->id);
		ck_assert_ptr_eq(ka_check_find((*c)->id), *c); /* ids unique */
		if ((*c)->scope == KA_SCOPE_MODULE)
			ck_assert_msg((*c)->run_module || (*c)->run_modules,
				      "%s: no run_module(s)", (*c)->id);
		if ((*c)->scope == KA_SCOPE_KERNEL)
			ck_assert_msg((*c)->run_kernel, "%s: no run_kernel", (*c)->id);
	}
	ck_assert_uint_ge(n, 13);
	ck_assert_ptr_null(ka_check_find("no-such-check"));
}
END_TEST

START_TEST(test_descriptors_sarif_rules)
{
	struct ka_run run;
	run_with_all_checks(&run);
	struct json_object *root = render(&ka_emit_sarif, &run), *runs, *r0,
			   *tool, *driver, *rules;
	ck_assert(json_object_object_get_ex(root, "runs", &runs));
	r0 = json_object_array_get_idx(runs, 0);
	ck_assert(json_object_object_get_ex(r0, "tool", &tool));
	ck_assert(json_object_object_get_ex(tool, "driver", &driver));
	ck_assert(json_object_object_get_ex(driver, "rules", &rules));
	size_t n = 0;
	for (const struct ka_check *const *c = ka_checks; *c; c++, n++) {
		struct json_object *rule = NULL, *conf;
		for (size_t i = 0; i < json_object_array_length(rules); i++) {
			struct json_object *x = json_object_array_get_idx(rules, i);
			if (strcmp(str(x, "id"), (*c)->id) == 0)
				rule = x;
		}
		ck_assert_msg(rule, "no SARIF rule for %s", (*c)->id);
		ck_assert(json_object_object_get_ex(rule, "defaultConfiguration", &conf));
		ck_assert_str_eq(str(conf, "level"), sarif_level((*c)->severity));
		ck_assert_str_eq(str(rule, "shortDescription"), (*c)->summary);
		ck_assert_str_eq(str(rule, "fullDescription"), (*c)->description);
		ck_assert_str_eq(str(rule, "help"), (*c)->help);
	}
	ck_assert_uint_eq(json_object_array_length(rules), n);
	json_object_put(root);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_descriptors_json_severity)
{
	struct ka_run run;
	run_with_all_checks(&run);
	struct json_object *root = render(&ka_emit_json, &run), *findings;
	ck_assert(json_object_object_get_ex(root, "findings", &findings));
	ck_assert_uint_eq(json_object_array_length(findings), run.findings.n);
	for (size_t i = 0; i < json_object_array_length(findings); i++) {
		struct json_object *f = json_object_array_get_idx(findings, i);
		const struct ka_check *c = ka_check_find(str(f, "check"));
		ck_assert_ptr_nonnull(c);
		ck_assert_str_eq(str(f, "severity"), ka_severity_name(c->severity));
	}
	json_object_put(root);
	ka_run_free(&run);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("descriptors");
	TCase *tc = tcase_create("descriptors");
	tcase_add_test(tc, test_descriptors_complete);
	tcase_add_test(tc, test_descriptors_sarif_rules);
	tcase_add_test(tc, test_descriptors_json_severity);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
