/*
 * The lifetime rule (include/ksymaudit/common.h): every destructor accepts
 * NULL and a zeroed object, and one that frees in place can run twice.
 * Run under ASan in CI, where a double free or a close(0) would show.
 */
#include <check.h>
#include <stdlib.h>
#include <fcntl.h>
#include <unistd.h>

#include "ksymaudit/baseline.h"
#include "ksymaudit/diff.h"
#include "src/model/graph.h"
#include "ksymaudit/refs.h"
#include "ksymaudit/side.h"
#include "tests/ka-check.h"

/* free(NULL), free(zeroed), and twice after use where it applies. */
#define NULL_AND_ZEROED(type, fn)                                              \
	do {                                                                   \
		type z = { 0 };                                                \
		fn(NULL);                                                      \
		fn(&z);                                                        \
		fn(&z);                                                        \
	} while (0)

START_TEST(test_lifetime_null_and_zeroed)
{
	NULL_AND_ZEROED(struct strvec, strvec_free);
	NULL_AND_ZEROED(struct ka_diags, ka_diags_free);
	NULL_AND_ZEROED(struct hashmap, hashmap_free);
	NULL_AND_ZEROED(struct ka_site, ka_site_clear);
	NULL_AND_ZEROED(struct ka_findings, ka_findings_free);
	NULL_AND_ZEROED(struct ka_baseline, ka_baseline_free);
	NULL_AND_ZEROED(struct ka_kfacts, ka_kfacts_free);
	NULL_AND_ZEROED(struct ka_inline_sym, ka_inline_sym_clear);
	NULL_AND_ZEROED(struct ka_wrapper_target, ka_wrapper_target_clear);
	NULL_AND_ZEROED(struct ka_wrapper_fact, ka_wrapper_fact_clear);
	NULL_AND_ZEROED(struct ka_reach_fact, ka_reach_fact_clear);
	NULL_AND_ZEROED(struct ka_explain_path, ka_explain_path_clear);
	NULL_AND_ZEROED(struct ka_tree_result, ka_tree_result_free);
	NULL_AND_ZEROED(struct ka_file_facts, ka_file_facts_free);
	ka_inline_use_free(NULL);
	NULL_AND_ZEROED(struct ka_report, ka_report_free);
	NULL_AND_ZEROED(struct ka_exportdb, ka_exportdb_free);
	NULL_AND_ZEROED(struct ka_module, ka_module_free);
	NULL_AND_ZEROED(struct ka_refs, ka_refs_free);
	NULL_AND_ZEROED(struct ka_symindex, ka_symindex_free);
	NULL_AND_ZEROED(struct ka_rules, ka_rules_free);
	NULL_AND_ZEROED(struct ka_run, ka_run_free);
	NULL_AND_ZEROED(struct ka_graph, ka_graph_free);
	NULL_AND_ZEROED(struct ka_tree_inputs, ka_tree_inputs_free);
	NULL_AND_ZEROED(struct ka_tree_result, ka_tree_result_free);
	NULL_AND_ZEROED(struct ka_side, ka_side_free);
	NULL_AND_ZEROED(struct ka_diff_side, ka_diff_side_free);
	NULL_AND_ZEROED(struct ka_module_inlines, ka_module_inlines_free);
	NULL_AND_ZEROED(struct hashmap, ka_inline_counts_free);
	NULL_AND_ZEROED(struct ka_jobq, ka_jobq_free);
	ka_export_free(NULL);
	ka_dwarf_close(NULL);
	ka_gsites_free(NULL, 0);
	ka_wrappers_free(NULL, 0);
}
END_TEST

/* A zeroed ka_elf has fd 0: closing it must not close standard input. */
START_TEST(test_lifetime_elf_zeroed_keeps_stdin)
{
	struct ka_elf z = { 0 };
	bool open0 = fcntl(0, F_GETFD) != -1;
	ka_elf_close(NULL);
	ka_elf_close(&z);
	ka_elf_close(&z);
	if (open0)
		ck_assert_int_ne(fcntl(0, F_GETFD), -1);
}
END_TEST

/* Objects used and freed twice: the second call finds them zeroed. */
START_TEST(test_lifetime_twice_after_use)
{
	struct ka_findings f = { 0 };
	struct ka_finding *x = ka_finding_add(&f, "c", KA_SEV_NOTE, "m", "f",
					      "s", "msg");
	ka_finding_add_step(x, "a", KA_REF_CALL);
	strvec_push(&ka_finding_add_symbol(
			    x, &(struct ka_inline_sym){ .symbol = "g" })->via,
		    "v");
	ka_wrapper_target_step(ka_finding_add_target(
				       x, &(struct ka_wrapper_target){
						  .symbol = "t" }),
			       "t", KA_REF_CALL);
	/* The copy is deep: freeing the original leaves it whole. */
	struct ka_findings g = { 0 };
	ka_finding_copy(&g, x);
	ka_findings_free(&f);
	ka_findings_free(&f);
	ck_assert_str_eq(g.v[0].targets[0].steps[0].symbol, "t");
	ck_assert_str_eq(g.v[0].gpl_symbols[0].via.v[0], "v");
	ka_findings_free(&g);

	struct ka_report r;
	struct ka_diags d = { 0 };
	ck_assert_int_lt(ka_report_read("/nonexistent/r.json", &r, &d), 0);
	ka_report_free(&r);
	ka_report_free(&r);
	struct ka_baseline b;
	ck_assert_int_lt(ka_baseline_load("/nonexistent/b.json", &b, &d), 0);
	ka_baseline_free(&b);
	ka_baseline_free(&b);
	ka_diags_free(&d);
	ka_diags_free(&d);

	struct ka_elf e;
	char *why = NULL;
	ck_assert_int_lt(ka_elf_open("/nonexistent/vmlinux", &e, &why), 0);
	free(why);
	ka_elf_close(&e);
	ka_elf_close(&e);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("lifetime");
	TCase *tc = tcase_create("lifetime");
	tcase_add_test(tc, test_lifetime_null_and_zeroed);
	tcase_add_test(tc, test_lifetime_elf_zeroed_keeps_stdin);
	tcase_add_test(tc, test_lifetime_twice_after_use);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
