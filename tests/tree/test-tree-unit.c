/* Unit tests for the tree side: waivers, export-mismatch, ranking, dot. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/emit.h"
#include "tests/ka-check.h"

static char *write_tmp(const char *text)
{
	char *path = xstrdup("/tmp/ka-waivers-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

START_TEST(test_tree_waivers_parse)
{
	struct ka_rules r = { 0 };
	struct ka_diags d = { 0 };
	char *p = write_tmp("# comment\n\n"
			    "export-wrapper foo_* reason=\"reviewed in 2018\"\n"
			    "inline-exposure put_page where=include/linux/mm.h reason=\"fixed \\\"upstream\\\"\"\n"
			    "export-wrapper bar\n"
			    "export-wrapper bar reason=\"  \"\n"
			    "a b c reason=\"too many\"\n"
			    "a b module=x reason=\"not where=\"\n");
	ck_assert_int_eq(ka_waivers_load(p, &r, &d), 0);
	ck_assert_uint_eq(r.n_waivers, 2);
	ck_assert_str_eq(r.waivers[0].check, "export-wrapper");
	ck_assert_str_eq(r.waivers[0].subject, "foo_*");
	ck_assert_ptr_null(r.waivers[0].where);
	ck_assert_str_eq(r.waivers[0].reason, "reviewed in 2018");
	ck_assert_uint_eq(r.waivers[0].line, 3);
	ck_assert_str_eq(r.waivers[1].where, "include/linux/mm.h");
	ck_assert_str_eq(r.waivers[1].reason, "fixed \\\"upstream\\\"");
	/* no reason, empty reason, extra field, unknown key */
	ck_assert_uint_eq(d.n, 4);
	ck_assert_uint_eq(d.v[0].line, 5);
	ck_assert(!d.v[0].fatal);
	unlink(p);
	free(p);
	ka_diags_free(&d);
	ka_rules_free(&r);
}
END_TEST

START_TEST(test_tree_waivers_missing_file)
{
	struct ka_rules r = { 0 };
	struct ka_diags d = { 0 };
	ck_assert_int_lt(ka_waivers_load("/nonexistent/waivers", &r, &d), 0);
	ck_assert(ka_diags_have_fatal(&d));
	ka_diags_free(&d);
	ka_rules_free(&r);
}
END_TEST

START_TEST(test_tree_waivers_apply)
{
	struct ka_rules r = { 0 };
	struct ka_diags d = { 0 };
	struct ka_findings f = { 0 };
	char *p = write_tmp("export-wrapper foo_* where=vmlinux reason=\"a\"\n"
			    "export-wrapper foo_* where=mod_x reason=\"b\"\n"
			    "inline-exposure put_* where=include/* reason=\"c\"\n"
			    "gpl-only-use x reason=\"d\"\n");
	ck_assert_int_eq(ka_waivers_load(p, &r, &d), 0);
	strvec_push(&r.active_checks, "export-wrapper");
	strvec_push(&r.active_checks, "inline-exposure");
	ka_finding_add(&f, "export-wrapper", KA_SEV_WARNING, "vmlinux", "a.c",
		       "foo_bar", "m");
	ka_finding_add(&f, "export-wrapper", KA_SEV_WARNING, "vmlinux", "a.c",
		       "baz", "m");
	ka_finding_add(&f, "inline-exposure", KA_SEV_WARNING, NULL,
		       "include/linux/mm.h", "put_page", "m");
	ka_waivers_apply(&r, &f);
	ck_assert_str_eq(f.v[0].waived_by, "a");
	ck_assert_ptr_null(f.v[1].waived_by);
	ck_assert_str_eq(f.v[2].waived_by, "c");
	/* The mod_x one is unused; the gpl-only-use one did not run. */
	ck_assert_uint_eq(f.n, 4);
	ck_assert_str_eq(f.v[3].check, "waiver-unused");
	ck_assert_uint_eq(f.v[3].line, 2);
	ck_assert_str_eq(f.v[3].symbol, "foo_*");
	unlink(p);
	free(p);
	strvec_free(&r.active_checks);
	ka_findings_free(&f);
	ka_diags_free(&d);
	ka_rules_free(&r);
}
END_TEST

static void add_export(struct ka_run *run, const char *name, const char *owner,
		       enum ka_export_type t, enum ka_export_source src,
		       const char *origin, unsigned line)
{
	struct ka_export *e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(name);
	e->owner = xstrdup(owner);
	e->type = t;
	e->source = src;
	e->origin = xstrdup(origin);
	e->origin_line = line;
	ka_exportdb_add(&run->exports, e);
}

START_TEST(test_tree_export_mismatch)
{
	struct ka_run run;
	ka_run_init(&run, "tree");
	add_export(&run, "a", "vmlinux", KA_EXPORT_GPL, KA_SRC_SYMVERS, "S", 1);
	add_export(&run, "b", "drivers/x/foo", KA_EXPORT_PLAIN, KA_SRC_SYMVERS, "S", 2);
	add_export(&run, "c", "vmlinux", KA_EXPORT_PLAIN, KA_SRC_SYMVERS, "S", 3);
	add_export(&run, "c", "fs/bar", KA_EXPORT_PLAIN, KA_SRC_SYMVERS, "S", 4);
	add_export(&run, "a", "vmlinux", KA_EXPORT_PLAIN, KA_SRC_ELF, "vmlinux", 0);
	add_export(&run, "b", "foo", KA_EXPORT_PLAIN, KA_SRC_ELF, "foo.ko", 0);
	ka_check_export_mismatch.run_kernel(&run, NULL);
	ck_assert_uint_eq(run.findings.n, 2);
	ck_assert_str_eq(run.findings.v[0].symbol, "c");
	ck_assert_uint_eq(run.findings.v[0].line, 4);
	ck_assert_str_eq(run.findings.v[1].symbol, "a");
	ck_assert_uint_eq(run.findings.v[1].line, 1);
	ck_assert_int_eq(run.findings.v[1].severity, KA_SEV_ERROR);
	ka_run_free(&run);
}
END_TEST

/* A wrapper fact with a path through the given steps. */
static void add_fact(struct ka_tree_result *res, const char *sym,
		     uint64_t size, const char *const *steps, size_t n)
{
	struct ka_kfacts *kf = &res->facts;
	ARRAY_GROW(kf->wrappers, kf->n_wrappers, kf->cap_wrappers);
	struct ka_wrapper_fact *f = &kf->wrappers[kf->n_wrappers++];
	*f = (struct ka_wrapper_fact){
		.object = xstrdup("vmlinux"), .owner = xstrdup("vmlinux"),
		.symbol = xstrdup(sym), .type = KA_EXPORT_PLAIN, .size = size,
		.n_steps = n,
	};
	f->steps = xcalloc(n, sizeof(*f->steps));
	f->sites = xcalloc(n, sizeof(*f->sites));
	for (size_t i = 0; i < n; i++) {
		f->steps[i] = (struct ka_path_step){ xstrdup(steps[i]), KA_REF_CALL };
		f->sites[i].function = xstrdup(i ? steps[i - 1] : sym);
	}
	strvec_push(&f->reached, steps[n - 1]);
	f->targets = xcalloc(1, sizeof(*f->targets));
	f->n_targets = 1;
	f->targets[0].symbol = xstrdup(steps[n - 1]);
	f->targets[0].steps = xcalloc(n, sizeof(*f->targets[0].steps));
	f->targets[0].n_steps = n;
	for (size_t i = 0; i < n; i++)
		f->targets[0].steps[i] =
			(struct ka_path_step){ xstrdup(steps[i]), KA_REF_CALL };
}

/* A header inline that exposes sym in all its instances. */
static void add_inline_use(struct ka_tree_result *res, const char *fn,
			   const char *sym)
{
	struct ka_kfacts *kf = &res->facts;
	ARRAY_GROW(kf->uses, kf->n_uses, kf->cap_uses);
	struct ka_inline_use *u = xcalloc(1, sizeof(*u));
	kf->uses[kf->n_uses++] = u;
	u->function = xstrdup(fn);
	u->decl_file = xstrdup("include/linux/x.h");
	u->inline_instances = 10;
	u->syms = xcalloc(1, sizeof(*u->syms));
	u->n_syms = 1;
	u->syms[0] = (struct ka_inline_sym){ .symbol = xstrdup(sym),
					     .instances = 10, .own = true,
					     .inline_instances = 10 };
}

/*
 * What a module gains: a target every module already reaches through a
 * header inline, or one that many wrappers reach, weighs less; static-call
 * trampolines and tracepoint plumbing come last with score 0.
 */
START_TEST(test_tree_rank_gain)
{
	struct ka_run run;
	struct ka_tree_result res = { 0 };
	ka_run_init(&run, "tree");
	add_fact(&res, "rcu_user", 8, (const char *const[]){ "__rcu_read_lock" }, 1);
	add_fact(&res, "shim", 8, (const char *const[]){ "devm_memremap_pages" }, 1);
	add_fact(&res, "common1", 8, (const char *const[]){ "put_device" }, 1);
	add_fact(&res, "common2", 8, (const char *const[]){ "put_device" }, 1);
	add_fact(&res, "__SCT__cond_resched", 8,
		 (const char *const[]){ "__static_call_return0" }, 1);
	add_fact(&res, "traced", 8, (const char *const[]){ "__tracepoint_x" }, 1);
	add_inline_use(&res, "rcu_read_lock", "__rcu_read_lock");
	ka_check_export_wrapper.run_kernel(&run, &res);
	ck_assert_uint_eq(run.findings.n, 6);
	unsigned rank[6];
	for (size_t i = 0; i < 6; i++)
		rank[i] = run.findings.v[i].rank;
	ck_assert_uint_eq(rank[1], 1); /* shim: its target is its own */
	ck_assert_uint_lt(rank[2], rank[0]); /* put_device: 2 wrappers */
	ck_assert_uint_lt(rank[0], rank[4]); /* rcu: inline-exposed */
	ck_assert_uint_gt(rank[4], 4);       /* plumbing last */
	ck_assert_uint_gt(rank[5], 4);
	ck_assert(run.findings.v[4].score == 0);
	ka_tree_result_free(&res);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_tree_rank)
{
	struct ka_run run;
	struct ka_tree_result res = { 0 };
	ka_run_init(&run, "tree");
	add_fact(&res, "deep", 4, (const char *const[]){ "h", "g" }, 2);
	add_fact(&res, "big", 400, (const char *const[]){ "g" }, 1);
	add_fact(&res, "small", 8, (const char *const[]){ "g" }, 1);
	ka_check_export_wrapper.run_kernel(&run, &res);
	ck_assert_uint_eq(run.findings.n, 3);
	ck_assert_str_eq(run.findings.v[2].symbol, "small");
	ck_assert_uint_eq(run.findings.v[2].rank, 1); /* one step, 8 bytes */
	ck_assert_uint_eq(run.findings.v[0].rank, 2); /* two steps, 4 bytes */
	ck_assert_uint_eq(run.findings.v[1].rank, 3); /* one step, 400 bytes */
	ck_assert(run.findings.v[2].has_score);
	ck_assert(run.findings.v[2].score > run.findings.v[0].score);
	ck_assert(run.findings.v[0].score > run.findings.v[1].score);
	ck_assert_uint_eq(run.findings.v[0].n_targets, 1);
	ck_assert_str_eq(run.findings.v[0].targets[0].symbol, "g");
	ck_assert_uint_eq(run.findings.v[0].targets[0].n_steps, 2);
	ck_assert_str_eq(run.findings.v[0].targets[0].steps[0].symbol, "h");
	ck_assert_str_eq(run.findings.v[0].message,
			 "EXPORT_SYMBOL 'deep' reaches GPL-only 'g' through "
			 "unexported code: deep -> h (call) -> g (call)");
	ka_tree_result_free(&res);
	ka_run_free(&run);
}
END_TEST

START_TEST(test_tree_dot)
{
	struct ka_run run;
	char *buf = NULL;
	size_t len = 0;
	ka_run_init(&run, "explain");
	run.explain_symbol = "gpl_\"core";
	struct ka_finding *x = ka_finding_add(&run.findings, "explain-export",
					      KA_SEV_NOTE, "vmlinux", "core.c",
					      "wrapper_deep", "m");
	x->line = 35;
	ka_finding_add_step(x, "helper", KA_REF_CALL);
	ka_finding_add_step(x, "gpl_\"core", KA_REF_DATA);
	FILE *out = open_memstream(&buf, &len);
	struct ka_emit_opts o = { 0 };
	ck_assert_int_eq(ka_emit_dot.emit(out, &run, &o), 0);
	fclose(out);
	ck_assert_ptr_nonnull(strstr(buf, "digraph ksymaudit {"));
	ck_assert_ptr_nonnull(strstr(buf, "\"wrapper_deep\" -> \"helper\" [label=\"call\"];"));
	ck_assert_ptr_nonnull(strstr(buf, "\"helper\" -> \"gpl_\\\"core\" [label=\"data\"];"));
	ck_assert_ptr_nonnull(strstr(buf, "label=\"wrapper_deep\\ncore.c:35\""));
	ck_assert_ptr_nonnull(strstr(buf, "}\n"));
	free(buf);
	ka_run_free(&run);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tree");
	TCase *tc = tcase_create("tree");
	tcase_add_test(tc, test_tree_waivers_parse);
	tcase_add_test(tc, test_tree_waivers_missing_file);
	tcase_add_test(tc, test_tree_waivers_apply);
	tcase_add_test(tc, test_tree_export_mismatch);
	tcase_add_test(tc, test_tree_rank);
	tcase_add_test(tc, test_tree_rank_gain);
	tcase_add_test(tc, test_tree_dot);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
