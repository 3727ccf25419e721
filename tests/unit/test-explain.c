/*
 * ka_sites_attribute() on the fixtures of tests/explain (built by
 * build-fixtures.sh into $EXPLAIN_FIXTURES): exact inline chains and lines,
 * read from markers in the sources, with debug info in the file and in
 * every separate layout.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/checks.h"
#include "ksymaudit/dwarf.h"
#include "ksymaudit/sites.h"
#include "tests/ka-check.h"

static const char *fx;

static char *fxpath(const char *rel)
{
	return xasprintf("%s/work/%s", fx, rel);
}

/* Line of the marker comment in a fixture source. */
static unsigned marker(const char *file, const char *mark)
{
	char *p = fxpath(file), buf[512], *tag = xasprintf("/* %s */", mark);
	FILE *f = fopen(p, "r");
	unsigned n = 0, found = 0;
	ck_assert_msg(f, "%s", p);
	while (fgets(buf, sizeof(buf), f)) {
		n++;
		if (strstr(buf, tag)) {
			found = n;
			break;
		}
	}
	fclose(f);
	free(p);
	free(tag);
	ck_assert_msg(found, "marker %s not in %s", mark, file);
	return found;
}

struct setup {
	const char *module;   /* relative to work/ */
	const char *debuginfo; /* relative to work/, or NULL */
	const char *license;
	bool all, debuginfod;
};

static void run_explain(struct ka_run *run, const struct setup *s)
{
	char *symvers = fxpath("symvers.txt"), *mod = fxpath(s->module);
	char *dbg = s->debuginfo ? fxpath(s->debuginfo) : NULL;

	ka_run_init(run, "check");
	ck_assert_int_eq(ka_rules_load(KA_SOURCE_RULES_DIR, &run->rules,
				       &run->diags), 0);
	ck_assert_int_gt(ka_symvers_read(symvers, &run->exports, &run->diags),
			 0);
	ka_modules_collect(run, mod);
	ck_assert_uint_eq(run->n_modules, 1);
	run->license_override = s->license;
	run->explain_all = s->all;
	run->debuginfod = s->debuginfod;
	run->debuginfo_dir = dbg;
	ka_check_gpl_only_use.run_module(run, run->modules[0]);
	ka_check_gpl_only_import.run_module(run, run->modules[0]);
	run->threads = 1;
	ck_assert_int_eq(ka_sites_attribute(run), 0);
	run->debuginfo_dir = NULL;
	free(dbg);
	free(symvers);
	free(mod);
}

static struct ka_finding *find(struct ka_run *run, const char *check,
			       const char *sym)
{
	for (size_t i = 0; i < run->findings.n; i++)
		if (strcmp(run->findings.v[i].check, check) == 0 &&
		    strcmp(run->findings.v[i].symbol, sym) == 0)
			return &run->findings.v[i];
	ck_abort_msg("no %s finding for %s", check, sym);
	return NULL;
}

static void frame_is(const struct ka_inline_frame *f, const char *fn,
		     const char *decl_file, const char *decl_mark,
		     const char *call_file, const char *call_mark)
{
	ck_assert_str_eq(f->function, fn);
	ck_assert_str_eq(f->decl_file, decl_file);
	ck_assert_uint_eq(f->decl_line, marker(decl_file, decl_mark));
	ck_assert_str_eq(f->call_file, call_file);
	ck_assert_uint_eq(f->call_line, marker(call_file, call_mark));
}

#define HDR "include/linux/kalite.h"

/* The three uses of foo.c, attributed with full debug info. */
static void check_foo(const struct setup *s)
{
	struct ka_run run;
	run_explain(&run, s);

	struct ka_finding *f = find(&run, "gpl-only-use", "gpl_helper");
	ck_assert_uint_eq(f->n_sites, 1);
	struct ka_site *st = &f->sites[0];
	ck_assert(st->has_debuginfo);
	ck_assert_int_eq(st->kind, KA_REF_CALL);
	ck_assert_str_eq(st->function, "foo_work");
	ck_assert_str_eq(st->section, ".text");
	ck_assert_str_eq(st->file, HDR);
	ck_assert_uint_eq(st->line, marker(HDR, "SITE-L3"));
	ck_assert_uint_eq(st->n_chain, 3);
	frame_is(&st->chain[0], "ka_level3", HDR, "DECL-L3", HDR, "CALL-L2");
	frame_is(&st->chain[1], "ka_level2", HDR, "DECL-L2", HDR, "CALL-L1");
	frame_is(&st->chain[2], "ka_level1", HDR, "DECL-L1", "foo.c",
		 "CALL-TOP");
	ck_assert_str_eq(f->file, "foo.c");
	ck_assert_uint_eq(f->line, marker("foo.c", "CALL-TOP"));
	ck_assert_ptr_null(f->note);

	f = find(&run, "gpl-only-use", "gpl_key");
	ck_assert_uint_eq(f->n_sites, 1);
	st = &f->sites[0];
	ck_assert_int_eq(st->kind, KA_REF_STATIC_KEY);
	ck_assert_str_eq(st->function, "foo_work");
	ck_assert_str_eq(st->section, ".text");
	ck_assert_str_eq(st->file, HDR);
	ck_assert_uint_eq(st->line, marker(HDR, "SITE-KEY"));
	ck_assert_uint_eq(st->n_chain, 2);
	frame_is(&st->chain[0], "arch_static_branch", HDR, "DECL-ASB", HDR,
		 "CALL-KEY-INNER");
	frame_is(&st->chain[1], "ka_feature_enabled", HDR, "DECL-FE", "foo.c",
		 "CALL-KEY");
	ck_assert_uint_eq(f->line, marker("foo.c", "CALL-KEY"));

	f = find(&run, "gpl-only-use", "gpl_target");
	ck_assert_uint_eq(f->n_sites, 1);
	st = &f->sites[0];
	ck_assert_int_eq(st->kind, KA_REF_DATA);
	ck_assert_str_eq(st->function, "foo_ops");
	ck_assert_uint_eq(st->n_chain, 0);
	ka_run_free(&run);
}

START_TEST(test_explain_in_file)
{
	check_foo(&(struct setup){ .module = "foo.o" });
}
END_TEST

START_TEST(test_explain_dwarf4)
{
	check_foo(&(struct setup){ .module = "foo-dwarf4.o" });
}
END_TEST

/* Objects built with clang: the same chains and lines as with gcc. */
static void check_clang(const char *module)
{
	char *path = fxpath(module);
	bool there = access(path, R_OK) == 0;
	free(path);
	if (!there) {
		/* No clang on this machine: a failure where the test set-up
		 * (which installs it) is required. */
		ck_assert_msg(!getenv("KSYMAUDIT_REQUIRE_REAL"),
			      "%s missing: clang not installed", module);
		return;
	}
	check_foo(&(struct setup){ .module = module });
}

START_TEST(test_explain_clang)
{
	check_clang("foo-clang.o");
	check_clang("foo-clang-dwarf4.o");
}
END_TEST

START_TEST(test_explain_compressed_sections)
{
	check_foo(&(struct setup){ .module = "foo-zdebug.o" });
}
END_TEST

START_TEST(test_explain_linked)
{
	check_foo(&(struct setup){ .module = "foo.ko" });
}
END_TEST

START_TEST(test_explain_debuglink)
{
	check_foo(&(struct setup){ .module = "debuglink/foo.ko" });
}
END_TEST

START_TEST(test_explain_build_id)
{
	check_foo(&(struct setup){ .module = "buildid/mod/foo.ko",
				   .debuginfo = "buildid/root" });
}
END_TEST

START_TEST(test_explain_debuginfo_dir)
{
	check_foo(&(struct setup){ .module = "dir/mod/foo.ko",
				   .debuginfo = "dir/dbg" });
}
END_TEST

START_TEST(test_explain_debian_layout)
{
	check_foo(&(struct setup){
		.module = "debian/root/lib/modules/9.9.9-test/kernel/drivers/foo.ko",
		.debuginfo = "debian/debug" });
}
END_TEST

START_TEST(test_explain_xz)
{
	char *p = fxpath("xz/foo.ko.xz");
	bool have = access(p, R_OK) == 0;
	free(p);
	ck_assert_msg(have || !ENABLE_XZ, "xz fixture missing");
	if (have && ENABLE_XZ)
		check_foo(&(struct setup){ .module = "xz/foo.ko.xz" });
}
END_TEST

static void check_nodebug(bool debuginfod)
{
	struct ka_run run;
	run_explain(&run, &(struct setup){ .module = "nodebug/foo.ko",
					   .debuginfod = debuginfod });
	struct ka_finding *f = find(&run, "gpl-only-use", "gpl_helper");
	ck_assert_uint_eq(f->n_sites, 1);
	ck_assert(!f->sites[0].has_debuginfo);
	ck_assert_str_eq(f->sites[0].function, "foo_work");
	ck_assert_ptr_null(f->sites[0].file);
	ck_assert_uint_eq(f->sites[0].n_chain, 0);
	ck_assert_ptr_nonnull(f->note);
	ck_assert_ptr_nonnull(strstr(f->note, "no debug info"));
	f = find(&run, "gpl-only-use", "gpl_key");
	ck_assert_int_eq(f->sites[0].kind, KA_REF_STATIC_KEY);
	ck_assert_str_eq(f->sites[0].function, "foo_work");
	ka_run_free(&run);
}

START_TEST(test_explain_no_debuginfo)
{
	check_nodebug(false);
}
END_TEST

/* --debuginfod with nothing reachable: a clean "no debug info". */
START_TEST(test_explain_debuginfod_unreachable)
{
	setenv("DEBUGINFOD_URLS", "http://127.0.0.1:9", 1);
	setenv("DEBUGINFOD_TIMEOUT", "2", 1);
	check_nodebug(true);
	unsetenv("DEBUGINFOD_URLS");
}
END_TEST

START_TEST(test_explain_all_gpl_module)
{
	struct ka_run run;
	run_explain(&run, &(struct setup){ .module = "gpl.o", .all = true });
	for (size_t i = 0; i < run.findings.n; i++)
		ck_assert_str_ne(run.findings.v[i].check, "gpl-only-use");
	struct ka_finding *f = find(&run, "gpl-only-import", "gpl_helper");
	ck_assert_int_eq(f->severity, KA_SEV_NOTE);
	ck_assert_uint_eq(f->n_sites, 1);
	struct ka_site *st = &f->sites[0];
	ck_assert_str_eq(st->function, "bar_work");
	ck_assert_uint_eq(st->n_chain, 2);
	frame_is(&st->chain[0], "ka_level3", HDR, "DECL-L3", HDR, "CALL-L2");
	frame_is(&st->chain[1], "ka_level2", HDR, "DECL-L2", "gpl.c",
		 "CALL-BAR");
	ck_assert_str_eq(f->file, "gpl.c");
	ck_assert_uint_eq(f->line, marker("gpl.c", "CALL-BAR"));
	ka_run_free(&run);
}
END_TEST

/* Without --explain-all a GPL module gets no finding and no site. */
START_TEST(test_explain_gpl_module_quiet)
{
	struct ka_run run;
	run_explain(&run, &(struct setup){ .module = "gpl.o" });
	ck_assert_uint_eq(run.findings.n, 0);
	ka_run_free(&run);
}
END_TEST

/* --license on a GPL module: the same chain as an error. */
START_TEST(test_explain_license_override)
{
	struct ka_run run;
	run_explain(&run, &(struct setup){ .module = "gpl.o",
					   .license = "Proprietary" });
	struct ka_finding *f = find(&run, "gpl-only-use", "gpl_helper");
	ck_assert_uint_eq(f->n_sites, 1);
	ck_assert_uint_eq(f->sites[0].n_chain, 2);
	ck_assert_uint_eq(f->line, marker("gpl.c", "CALL-BAR"));
	ka_run_free(&run);
}
END_TEST

START_TEST(test_explain_paths)
{
	char *p = ka_dwarf_path("/tmp/b/./foo.c", "/tmp/b", NULL);
	ck_assert_str_eq(p, "foo.c");
	free(p);
	p = ka_dwarf_path("./include/linux/rcupdate.h", "/usr/src/k", NULL);
	ck_assert_str_eq(p, "include/linux/rcupdate.h");
	free(p);
	p = ka_dwarf_path("/usr/src/k/./include/linux/mm.h", "/usr/src/k/",
			    "/tmp/m");
	ck_assert_str_eq(p, "include/linux/mm.h");
	free(p);
	p = ka_dwarf_path("/tmp/m/foo.c", "/usr/src/k", "/tmp/m");
	ck_assert_str_eq(p, "foo.c");
	free(p);
	p = ka_dwarf_path("/usr/include/stdio.h", "/tmp/b", "/tmp/m");
	ck_assert_str_eq(p, "/usr/include/stdio.h");
	free(p);
}
END_TEST

/* No ".." survives (Debian 6.1's kvm.ko names virt/kvm this way). */
START_TEST(test_explain_paths_dotdot)
{
	static const char *const cases[][3] = {
		{ "arch/x86/kvm/../../../virt/kvm/kvm_main.c",
		  "debian/build/build_amd64_none_cloud-amd64",
		  "virt/kvm/kvm_main.c" },
		{ "include/trace/../../arch/x86/kvm/trace.h", NULL,
		  "arch/x86/kvm/trace.h" },
		{ "./arch/x86/kvm/vmx/../cpuid.h", NULL, "arch/x86/kvm/cpuid.h" },
		{ "/tmp/b/sub/../include/linux/kalite.h", "/tmp/b",
		  "include/linux/kalite.h" },
		{ "../include/x.h", "/tmp/b/obj", "/tmp/b/include/x.h" },
		{ "/tmp/b/../../../c.h", NULL, "/c.h" },
		{ "a/b/../../..//x/./y.h", NULL, "../x/y.h" },
		/* Debian builds in SRC/debian/build/build_ARCH: SRC is the root. */
		{ "/build/r/linux-6.1/arch/x86/crypto/cast5-avx-x86_64-asm_64.S",
		  "/build/r/linux-6.1/debian/build/build_amd64_none_cloud-amd64",
		  "arch/x86/crypto/cast5-avx-x86_64-asm_64.S" },
		{ "/build/r/linux-6.1/debian/build/build_amd64/../../../fs/x.c",
		  "/build/r/linux-6.1/debian/build/build_amd64", "fs/x.c" },
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(cases); i++) {
		char *p = ka_dwarf_path(cases[i][0], cases[i][1], "/tmp/m");
		ck_assert_msg(strcmp(p, cases[i][2]) == 0, "%s -> %s, not %s",
			      cases[i][0], p, cases[i][2]);
		free(p);
	}
}
END_TEST

/* check and tree share one attribution: the batch gives check's sites. */
START_TEST(test_explain_batch_api)
{
	char *path = fxpath("foo.ko");
	struct ka_elf e;
	char *why = NULL;
	ck_assert_int_eq(ka_elf_open(path, &e, &why), 0);
	struct ka_dwarf *d = ka_dwarf_open(&e, &(struct ka_dbg_opts){ 0 }, &why);
	ck_assert_msg(d, "%s", why ? why : "?");
	ck_assert_str_eq(ka_dwarf_file(d), path);
	Elf_Scn *text = ka_elf_section(&e, ".text");
	ck_assert_ptr_nonnull(text);
	struct ka_gsite *s = xcalloc(2, sizeof(*s));
	s[0].scn = elf_ndxscn(text);
	s[0].offset = 0; /* foo_first */
	s[1].scn = 9999; /* no such section: stays unattributed */
	ck_assert_int_eq(ka_dwarf_attribute(d, s, 2), 0);
	ck_assert_str_eq(s[0].site.function, "foo_first");
	ck_assert_str_eq(s[0].site.file, "foo.c");
	ck_assert(s[0].site.has_debuginfo);
	ck_assert_ptr_null(s[1].site.function);
	ck_assert(!s[1].site.has_debuginfo);
	ka_gsites_free(s, 2);
	ka_dwarf_close(d);
	ck_assert_int_eq(ka_dwarf_attribute(NULL, s, 0), 0);
	ka_elf_close(&e);
	free(path);
}
END_TEST

static Suite *explain_suite(void)
{
	Suite *s = suite_create("explain");
	TCase *tc = tcase_create("explain");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_explain_in_file);
	tcase_add_test(tc, test_explain_dwarf4);
	tcase_add_test(tc, test_explain_clang);
	tcase_add_test(tc, test_explain_compressed_sections);
	tcase_add_test(tc, test_explain_linked);
	tcase_add_test(tc, test_explain_debuglink);
	tcase_add_test(tc, test_explain_build_id);
	tcase_add_test(tc, test_explain_debuginfo_dir);
	tcase_add_test(tc, test_explain_debian_layout);
	tcase_add_test(tc, test_explain_xz);
	tcase_add_test(tc, test_explain_no_debuginfo);
	tcase_add_test(tc, test_explain_debuginfod_unreachable);
	tcase_add_test(tc, test_explain_all_gpl_module);
	tcase_add_test(tc, test_explain_gpl_module_quiet);
	tcase_add_test(tc, test_explain_license_override);
	tcase_add_test(tc, test_explain_paths);
	tcase_add_test(tc, test_explain_paths_dotdot);
	tcase_add_test(tc, test_explain_batch_api);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	fx = getenv("EXPLAIN_FIXTURES");
	if (!fx) {
		fputs("EXPLAIN_FIXTURES is not set\n", stderr);
		return EXIT_FAILURE;
	}
	elf_version(EV_CURRENT);
	return ka_check_run(explain_suite());
}
