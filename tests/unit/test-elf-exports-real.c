/*
 * ka_elf_exports_read() on a real kernel: the export tables of Debian's
 * debug vmlinux must hold exactly the vmlinux lines of the matching
 * linux-headers Module.symvers (name, type, namespace, CRC). Skips (77)
 * when no such pair is installed. KA_REAL_VMLINUX and KA_REAL_SYMVERS
 * name another pair, KA_REAL_MODULES its debug module tree
 * (tests/real/exports-7x.sh runs it on Debian sid's 7.x: __kflagstab, no
 * __ksymtab_gpl, module-restricted exports, no CRCs without MODVERSIONS).
 */
#include <check.h>
#include <glob.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"
#include "tests/ka-check.h"

static char *vmlinux_path, *symvers_path;

static bool find_pair(void)
{
	glob_t g;
	const char *v = getenv("KA_REAL_VMLINUX"), *s = getenv("KA_REAL_SYMVERS");

	if (v && s) {
		vmlinux_path = xstrdup(v);
		symvers_path = xstrdup(s);
		return access(v, R_OK) == 0 && access(s, R_OK) == 0;
	}
	if (glob("/usr/lib/debug/boot/vmlinux-*", 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !vmlinux_path; i++) {
		const char *ver = strrchr(g.gl_pathv[i], '/') + strlen("/vmlinux-");
		char *sv = xasprintf("/usr/src/linux-headers-%s/Module.symvers", ver);
		if (access(sv, R_OK) == 0) {
			vmlinux_path = xstrdup(g.gl_pathv[i]);
			symvers_path = sv;
		} else {
			free(sv);
		}
	}
	globfree(&g);
	return vmlinux_path != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * "name type ns crc" for each line of Module.symvers (>= 5.6) whose module
 * is owner.
 */
static void symvers_lines(struct strvec *out, const char *owner)
{
	FILE *f = fopen(symvers_path, "r");
	char line[4096];

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *field[5] = { 0 }, *p = line;
		int n = 0;
		line[strcspn(line, "\n")] = '\0';
		while (n < 5) {
			field[n++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = '\0';
		}
		ck_assert_msg(n >= 4, "bad Module.symvers line");
		if (strcmp(field[2], owner) != 0)
			continue;
		strvec_push_owned(out, xasprintf("%s %s %s %08lx", field[1],
						 field[3],
						 n == 5 ? field[4] : "",
						 strtoul(field[0], NULL, 16)));
	}
	fclose(f);
}

START_TEST(test_elf_exports_real_vmlinux)
{
	struct ka_elf e;
	struct ka_exportdb db = { 0 };
	struct ka_diags diags = { 0 };
	struct strvec want = { 0 }, got = { 0 };
	char *why = NULL;
	struct timespec t0, t1;
	int n;

	symvers_lines(&want, "vmlinux");
	ck_assert_int_eq(ka_elf_open(vmlinux_path, &e, &why), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	n = ka_elf_exports_read(&e, "vmlinux", NULL, &db, &diags);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(stderr, "%s: %d exports in %.3f s\n", vmlinux_path, n,
		(double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	ck_assert_int_gt(n, 1000);
	ck_assert_msg(diags.n == 0, "diagnostic: %s",
		      diags.n ? diags.v[0].message : "");
	/* Without CONFIG_MODVERSIONS every CRC in Module.symvers is 0 and
	 * there is no __kcrctab. */
	bool crcs = false;
	for (size_t i = 0; i < want.n && !crcs; i++)
		crcs = !str_ends(want.v[i], " 00000000");
	for (size_t i = 0; i < db.n; i++) {
		const struct ka_export *x = db.all[i];
		ck_assert(x->has_crc || !crcs);
		strvec_push_owned(&got, xasprintf("%s %s %s %08lx", x->name,
						  ka_export_type_name(x->type),
						  x->ns ? x->ns : "",
						  (unsigned long)x->crc));
	}
	if (want.n)
		qsort(want.v, want.n, sizeof(*want.v), cmp_str);
	if (got.n)
		qsort(got.v, got.n, sizeof(*got.v), cmp_str);
	for (size_t i = 0; i < want.n && i < got.n; i++)
		ck_assert_str_eq(got.v[i], want.v[i]);
	ck_assert_uint_eq(got.n, want.n);
	strvec_free(&want);
	strvec_free(&got);
	ka_exportdb_free(&db);
	ka_diags_free(&diags);
	ka_elf_close(&e);
}
END_TEST

/* Module directory of the debug tree for the kernel of vmlinux_path. */
static char *debug_modules_dir(void)
{
	const char *ver = strrchr(vmlinux_path, '/') + strlen("/vmlinux-");
	char *d = getenv("KA_REAL_MODULES")
			  ? xstrdup(getenv("KA_REAL_MODULES"))
			  : xasprintf("/usr/lib/debug/lib/modules/%s", ver);
	if (access(d, R_OK) != 0) {
		free(d);
		return NULL;
	}
	return d;
}

/* Every module of Module.symvers that is installed: same exports. */
START_TEST(test_elf_exports_real_modules)
{
	char *dir = debug_modules_dir();
	struct strvec mods = { 0 };
	FILE *f;
	char line[4096];
	size_t checked = 0;

	ck_assert_ptr_nonnull(dir);
	f = fopen(symvers_path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
		char *c = b ? strchr(b + 1, '\t') : NULL;
		if (!c)
			continue;
		*c = '\0';
		if (strcmp(b + 1, "vmlinux") != 0)
			strvec_push(&mods, b + 1);
	}
	fclose(f);
	strvec_sort_unique(&mods);
	for (size_t i = 0; i < mods.n; i++) {
		char *path = xasprintf("%s/kernel/%s.ko", dir, mods.v[i]);
		struct ka_elf e;
		struct ka_exportdb db = { 0 };
		struct ka_diags diags = { 0 };
		struct ka_module m = { 0 };
		struct strvec want = { 0 }, got = { 0 };
		char *why = NULL;

		if (access(path, R_OK) != 0) {
			free(path);
			continue;
		}
		symvers_lines(&want, mods.v[i]);
		ck_assert_msg(ka_elf_open(path, &e, &why) == 0, "%s: %s", path,
			      why);
		ck_assert_int_eq(ka_elf_exports_read(&e, mods.v[i], &m, &db,
						     &diags),
				 (int)want.n);
		ck_assert_msg(diags.n == 0, "%s: %s", path,
			      diags.n ? diags.v[0].message : "");
		for (size_t k = 0; k < m.n_exports; k++)
			strvec_push_owned(&got,
					  xasprintf("%s %s %s %08lx",
						    m.exports[k]->name,
						    ka_export_type_name(m.exports[k]->type),
						    m.exports[k]->ns ? m.exports[k]->ns : "",
						    (unsigned long)m.exports[k]->crc));
		if (want.n)
			qsort(want.v, want.n, sizeof(*want.v), cmp_str);
		if (got.n)
			qsort(got.v, got.n, sizeof(*got.v), cmp_str);
		for (size_t k = 0; k < want.n; k++)
			ck_assert_str_eq(got.v[k], want.v[k]);
		checked++;
		strvec_free(&want);
		strvec_free(&got);
		free(m.exports);
		ka_exportdb_free(&db);
		ka_diags_free(&diags);
		ka_elf_close(&e);
		free(path);
	}
	fprintf(stderr, "%zu exporting modules compared\n", checked);
	ck_assert_uint_gt(checked, 50);
	strvec_free(&mods);
	free(dir);
}
END_TEST

int main(void)
{
	Suite *s;
	TCase *tc;
	char *dir;

	if (!find_pair()) {
		fprintf(stderr, "SKIP: no debug vmlinux with a matching "
				"linux-headers Module.symvers installed\n");
		return 77;
	}
	elf_version(EV_CURRENT);
	s = suite_create("elf-exports-real");
	tc = tcase_create("real");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_elf_exports_real_vmlinux);
	if ((dir = debug_modules_dir()))
		tcase_add_test(tc, test_elf_exports_real_modules);
	else
		fprintf(stderr, "note: no debug module tree; modules not compared\n");
	free(dir);
	suite_add_tcase(s, tc);
	int status = ka_check_run(s);
	free(vmlinux_path);
	free(symvers_path);
	return status;
}
