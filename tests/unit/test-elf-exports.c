/*
 * ka_elf_exports_read() on the fixtures of tests/fixtures (built by
 * build-fixtures.sh into $FIXTURES): every encoding, class and byte order,
 * compared with tests/fixtures/expected ($FIXTURES_SRC/expected).
 */
#include <check.h>
#include <errno.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"
#include "tests/ka-check.h"

static const char *fixtures, *fixtures_src;

static const char *const targets[] = {
	"x86_64-prel32", "x86_64-export", "i686-abs",
	"ppc64-abs2",    "ppc64-export",  "aarch64-prel32",
	"x86_64-kflags", "ppc64-kflags",
};

/* file in the target dir -> expected list */
static const struct {
	const char *file, *expected;
} files[] = {
	{ "exporter.o", "exporter" },
	{ "vmlinux.o", "exporter" },
	{ "vmlinux", "exporter" },
	{ "vmlinux.stripped", "exporter" },
	{ "mod-gpl.o", "mod-gpl" },
	{ "mod-gpl.ko", "mod-gpl" },
	{ "mod-proprietary.o", "mod-proprietary" },
	{ "mod-proprietary.ko", "mod-proprietary" },
	{ "mod-user.o", "mod-user" },
	{ "mod-user.ko", "mod-user" },
	{ "mod-nolicense.o", "mod-nolicense" },
	{ "mod-nolicense.ko", "mod-nolicense" },
	{ "mod-dual.o", "mod-dual" },
	{ "mod-dual.ko", "mod-dual" },
};

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	do {
		cap = cap ? cap * 2 : 4096;
		buf = xrealloc(buf, cap + 1);
		r = fread(buf + n, 1, cap - n, f);
		n += r;
	} while (n == cap);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "sym\tTYPE\tns\n" lines of m's exports, sorted. */
static char *format_exports(const struct ka_module *m)
{
	struct strvec v = { 0 };
	char *out = xstrdup(""), *t;

	for (size_t i = 0; i < m->n_exports; i++)
		strvec_push_owned(&v, xasprintf("%s\t%s\t%s\n",
						m->exports[i]->name,
						ka_export_type_name(m->exports[i]->type),
						m->exports[i]->ns ? m->exports[i]->ns : ""));
	if (v.n)
		qsort(v.v, v.n, sizeof(*v.v), cmp_str);
	for (size_t i = 0; i < v.n; i++) {
		t = xasprintf("%s%s", out, v.v[i]);
		free(out);
		out = t;
	}
	strvec_free(&v);
	return out;
}

struct result {
	struct ka_exportdb db;
	struct ka_diags diags;
	struct ka_module m;
	int r;
};

static void result_free(struct result *res)
{
	ka_exportdb_free(&res->db);
	ka_diags_free(&res->diags);
	free(res->m.exports);
}

static int read_exports(const char *path, struct result *res)
{
	struct ka_elf e;
	char *why = NULL;
	int r;

	memset(res, 0, sizeof(*res));
	r = ka_elf_open(path, &e, &why);
	if (r < 0) {
		free(why);
		return res->r = r;
	}
	res->r = ka_elf_exports_read(&e, "owner", &res->m, &res->db,
				     &res->diags);
	ka_elf_close(&e);
	return res->r;
}

static bool target_skipped(const char *t)
{
	char *p = xasprintf("%s/%s/SKIPPED", fixtures, t);
	bool skipped = access(p, F_OK) == 0;
	free(p);
	return skipped;
}

static void check_file(const char *target, const char *file,
		       const char *expected)
{
	char *path = xasprintf("%s/%s/%s", fixtures, target, file);
	char *exp_path = xasprintf("%s/expected/%s/%s.txt", fixtures_src,
				   target, expected);
	char *want = slurp(exp_path, NULL), *got;
	struct result res;

	ck_assert_msg(read_exports(path, &res) >= 0, "%s: read failed: %d",
		      path, res.r);
	got = format_exports(&res.m);
	ck_assert_msg(strcmp(got, want) == 0, "%s:\n--- got\n%s--- want\n%s",
		      path, got, want);
	ck_assert_int_eq(res.r, (int)res.m.n_exports);
	ck_assert_uint_eq(res.db.n, res.m.n_exports);
	for (size_t i = 0; i < res.db.n; i++) {
		ck_assert_str_eq(res.db.all[i]->owner, "owner");
		ck_assert_str_eq(res.db.all[i]->origin, path);
		ck_assert_int_eq(res.db.all[i]->source, KA_SRC_ELF);
	}
	ck_assert_msg(res.diags.n == 0, "%s: unexpected diagnostic: %s", path,
		      res.diags.n ? res.diags.v[0].message : "");
	result_free(&res);
	free(got);
	free(want);
	free(path);
	free(exp_path);
}

/* One loop iteration per target x file. */
START_TEST(test_elf_exports_fixture)
{
	size_t t = (size_t)_i / KA_ARRAY_SIZE(files);
	size_t f = (size_t)_i % KA_ARRAY_SIZE(files);

	if (target_skipped(targets[t]))
		return; /* main() reports the skip with exit status 77 */
	check_file(targets[t], files[f].file, files[f].expected);
}
END_TEST

START_TEST(test_elf_exports_compressed)
{
	static const char *const names[] = {
		"mod-gpl.ko.xz", "mod-gpl.ko.zst", "mod-gpl.ko.gz",
		"mod-proprietary.ko.xz", "mod-proprietary.ko.zst",
		"mod-proprietary.ko.gz",
	};
	check_file("x86_64-prel32", names[_i],
		   _i < 3 ? "mod-gpl" : "mod-proprietary");
}
END_TEST

/* The table layouts the files really have (not only the names read). */
START_TEST(test_elf_exports_encodings)
{
	static const struct {
		const char *target, *file, *section;
		unsigned size; /* 0: any */
	} want[] = {
		{ "x86_64-prel32", "mod-gpl.ko", "__ksymtab_gpl", 2 * 12 },
		{ "x86_64-export", "mod-gpl.o", ".export_symbol", 0 },
		{ "x86_64-export", "mod-gpl.ko", ".export_symbol", 0 },
		{ "i686-abs", "mod-gpl.ko", "__ksymtab_gpl", 2 * 12 },
		{ "ppc64-abs2", "mod-gpl.ko", "__ksymtab", 1 * 16 },
		{ "ppc64-abs2", "vmlinux", "__ksymtab", 2 * 16 },
		{ "ppc64-export", "mod-gpl.o", ".export_symbol", 0 },
		{ "i686-abs", "vmlinux", "__ksymtab_gpl_future", 1 * 12 },
		/* 7.x: one table, a flag byte per entry (3 in mod-gpl: two
		 * GPL-only, one plain; 7 in vmlinux) */
		{ "x86_64-kflags", "mod-gpl.ko", "__ksymtab", 3 * 12 },
		{ "x86_64-kflags", "mod-gpl.ko", "__kflagstab", 3 },
		{ "ppc64-kflags", "mod-gpl.ko", "__ksymtab", 3 * 24 },
		{ "ppc64-kflags", "vmlinux", "__kflagstab", 7 },
		{ "x86_64-kflags", "mod-gpl.mod.o", "___kflagstab+gplmod_func", 1 },
		{ "x86_64-kflags", "vmlinux.export.o", "___kflagstab+ka_formods_func", 1 },
	};
	char *path;
	struct ka_elf e;
	char *why = NULL;
	Elf_Scn *s;
	GElf_Shdr sh;

	if (target_skipped(want[_i].target))
		return;
	path = xasprintf("%s/%s/%s", fixtures, want[_i].target, want[_i].file);
	ck_assert_int_eq(ka_elf_open(path, &e, &why), 0);
	s = ka_elf_section(&e, want[_i].section);
	ck_assert_msg(s != NULL, "%s: no %s", path, want[_i].section);
	ck_assert_ptr_nonnull(gelf_getshdr(s, &sh));
	if (want[_i].size)
		ck_assert_msg(sh.sh_size == want[_i].size, "%s: %s has %lu bytes",
			      path, want[_i].section, (unsigned long)sh.sh_size);
	ka_elf_close(&e);
	free(path);
}
END_TEST

/*
 * 7.x files carry no __ksymtab_gpl and (.ko, vmlinux) no .export_symbol:
 * the licenses read can only have come from __kflagstab.
 */
START_TEST(test_elf_exports_kflags)
{
	static const char *const targets7[] = { "x86_64-kflags", "ppc64-kflags" };
	static const char *const names[] = { "vmlinux", "vmlinux.stripped",
					     "mod-gpl.ko", "mod-dual.ko",
					     "mod-proprietary.ko" };

	if (target_skipped(targets7[_i]))
		return;
	for (size_t k = 0; k < KA_ARRAY_SIZE(names); k++) {
		char *path = xasprintf("%s/%s/%s", fixtures, targets7[_i], names[k]);
		struct ka_elf e;
		char *why = NULL;

		ck_assert_int_eq(ka_elf_open(path, &e, &why), 0);
		ck_assert_msg(!ka_elf_section(&e, "__ksymtab_gpl"), "%s", path);
		ck_assert_msg(!ka_elf_section(&e, ".export_symbol"), "%s", path);
		ka_elf_close(&e);
		free(path);
	}
}
END_TEST

/* The per-symbol ___ksymtab+SYM / ___kflagstab+SYM that modpost generates. */
START_TEST(test_elf_exports_kflags_objects)
{
	static const char *const targets7[] = { "x86_64-kflags", "ppc64-kflags" };
	const char *t = targets7[_i / 2];

	if (target_skipped(t))
		return;
	if (_i % 2)
		check_file(t, "mod-gpl.mod.o", "mod-gpl");
	else
		check_file(t, "vmlinux.export.o", "exporter");
}
END_TEST

/* A flag missing: said, the entry read as plain, nothing else lost. */
START_TEST(test_elf_exports_short_kflagstab)
{
	char *path = xasprintf("%s/bad/short-kflagstab.ko", fixtures);
	struct result res;
	bool noflag = false, count = false;

	if (target_skipped("x86_64-kflags")) {
		free(path);
		return;
	}
	ck_assert_int_eq(read_exports(path, &res), 3);
	for (size_t i = 0; i < res.m.n_exports; i++)
		if (!strcmp(res.m.exports[i]->name, "gplmod_plain"))
			ck_assert_int_eq(res.m.exports[i]->type, KA_EXPORT_PLAIN);
		else
			ck_assert_int_eq(res.m.exports[i]->type, KA_EXPORT_GPL);
	for (size_t i = 0; i < res.diags.n; i++) {
		ck_assert(!res.diags.v[i].fatal);
		noflag |= strstr(res.diags.v[i].message,
				 "(gplmod_plain) has no flag in __kflagstab") != NULL;
		count |= strstr(res.diags.v[i].message,
				"__kflagstab has 2 flags for the 3 entries") != NULL;
	}
	ck_assert_msg(noflag && count, "diagnostics: %zu", res.diags.n);
	result_free(&res);
	free(path);
}
END_TEST

START_TEST(test_elf_exports_bad_ksymtab)
{
	char *path = xasprintf("%s/bad/bad-ksymtab.o", fixtures);
	struct result res;
	bool entry = false, truncated = false;

	ck_assert_int_eq(read_exports(path, &res), 1);
	ck_assert_str_eq(res.m.exports[0]->name, "good_func");
	ck_assert_int_eq(res.m.exports[0]->type, KA_EXPORT_PLAIN);
	ck_assert_ptr_null(res.m.exports[0]->ns);
	for (size_t i = 0; i < res.diags.n; i++) {
		ck_assert(!res.diags.v[i].fatal);
		ck_assert_str_eq(res.diags.v[i].file, path);
		entry |= strstr(res.diags.v[i].message, "entry 1") != NULL;
		truncated |= strstr(res.diags.v[i].message, "truncated") != NULL;
	}
	ck_assert_msg(entry && truncated, "diagnostics: %zu", res.diags.n);
	result_free(&res);
	free(path);
}
END_TEST

/* Files ka_elf_open refuses never reach the reader. */
START_TEST(test_elf_exports_bad_open)
{
	static const char *const names[] = {
		"empty.ko", "garbage.ko", "truncated-header.ko",
		"truncated.ko.xz", "garbage.ko.xz",
	};
	char *path = xasprintf("%s/bad/%s", fixtures, names[_i]);
	struct result res;

	ck_assert_int_lt(read_exports(path, &res), 0);
	result_free(&res);
	free(path);
}
END_TEST

/* The reader on images ka_elf_open does not vet: libelf over raw bytes. */
static int read_memory(char *buf, size_t len, struct result *res)
{
	struct ka_elf e = { .path = (char *)"mem", .fd = -1 };
	memset(res, 0, sizeof(*res));
	e.elf = elf_memory(buf, len);
	if (!e.elf)
		return res->r = -EINVAL;
	if (!gelf_getehdr(e.elf, &e.ehdr) ||
	    elf_getshdrstrndx(e.elf, &e.shstrndx) != 0) {
		elf_end(e.elf);
		return res->r = -EINVAL;
	}
	res->r = ka_elf_exports_read(&e, "owner", &res->m, &res->db,
				     &res->diags);
	elf_end(e.elf);
	return res->r;
}

START_TEST(test_elf_exports_truncated)
{
	char *path = xasprintf("%s/x86_64-prel32/mod-gpl.ko", fixtures);
	size_t len;
	char *full = slurp(path, &len);

	/* Every cut of the file: an error or fewer exports, never a crash. */
	for (size_t cut = 0; cut < len; cut += 61) {
		struct result res;
		char *copy = xmalloc(cut + 1);
		memcpy(copy, full, cut);
		if (read_memory(copy, cut, &res) >= 0)
			ck_assert_int_le(res.r, 3);
		result_free(&res);
		free(copy);
	}
	free(full);
	free(path);
}
END_TEST

/* Flipped bytes all over each file: any result but a crash or a leak. */
START_TEST(test_elf_exports_garbage)
{
	static const char *const names[] = {
		"x86_64-prel32/mod-gpl.ko", "x86_64-export/mod-gpl.o",
		"i686-abs/vmlinux",         "ppc64-abs2/mod-gpl.ko",
		"x86_64-prel32/vmlinux",    "i686-abs/exporter.o",
	};
	const char *slash = strchr(names[_i], '/');
	char *target = xstrndup(names[_i], (size_t)(slash - names[_i]));
	char *path = xasprintf("%s/%s", fixtures, names[_i]);
	size_t len;
	char *full;
	unsigned seed = 12345u + (unsigned)_i;

	if (target_skipped(target)) {
		free(target);
		free(path);
		return;
	}
	full = slurp(path, &len);
	for (int round = 0; round < 300; round++) {
		struct result res;
		char *copy = xmalloc(len);
		memcpy(copy, full, len);
		for (int k = 0; k < 8; k++) {
			seed = seed * 1103515245u + 12345u;
			/* Skip the ELF header so libelf reads the tables. */
			size_t at = 64 + (seed >> 8) % (len - 64);
			copy[at] = (char)(seed >> 3);
		}
		read_memory(copy, len, &res);
		result_free(&res);
		free(copy);
	}
	free(full);
	free(target);
	free(path);
}
END_TEST

START_TEST(test_elf_exports_null_module)
{
	char *path = xasprintf("%s/x86_64-prel32/vmlinux", fixtures);
	struct ka_elf e;
	struct ka_exportdb db = { 0 };
	struct ka_diags diags = { 0 };
	char *why = NULL;
	const struct ka_export *x;

	ck_assert_int_eq(ka_elf_open(path, &e, &why), 0);
	ck_assert_int_eq(ka_elf_exports_read(&e, "vmlinux", NULL, &db, &diags),
			 6);
	x = ka_exportdb_find(&db, "ka_ns_gpl_func");
	ck_assert_ptr_nonnull(x);
	ck_assert_str_eq(x->ns, "KA_NS");
	ck_assert_str_eq(x->owner, "vmlinux");
	ck_assert_int_eq(x->type, KA_EXPORT_GPL);
	ck_assert(!x->has_crc);
	ka_elf_close(&e);
	ka_exportdb_free(&db);
	ka_diags_free(&diags);
	free(path);
}
END_TEST

static Suite *elf_exports_suite(void)
{
	Suite *s = suite_create("elf-exports");
	TCase *tc = tcase_create("fixtures");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_elf_exports_fixture, 0,
			    (int)(KA_ARRAY_SIZE(targets) * KA_ARRAY_SIZE(files)));
	tcase_add_loop_test(tc, test_elf_exports_compressed, 0, 6);
	tcase_add_loop_test(tc, test_elf_exports_encodings, 0, 14);
	tcase_add_loop_test(tc, test_elf_exports_kflags, 0, 2);
	tcase_add_loop_test(tc, test_elf_exports_kflags_objects, 0, 4);
	tcase_add_test(tc, test_elf_exports_short_kflagstab);
	tcase_add_test(tc, test_elf_exports_bad_ksymtab);
	tcase_add_loop_test(tc, test_elf_exports_bad_open, 0, 5);
	tcase_add_test(tc, test_elf_exports_truncated);
	tcase_add_loop_test(tc, test_elf_exports_garbage, 0, 6);
	tcase_add_test(tc, test_elf_exports_null_module);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	bool skipped = false;

	fixtures = getenv("FIXTURES");
	fixtures_src = getenv("FIXTURES_SRC");
	if (!fixtures || !fixtures_src) {
		fprintf(stderr, "FIXTURES and FIXTURES_SRC must be set\n");
		return EXIT_FAILURE;
	}
	elf_version(EV_CURRENT);
	for (size_t i = 0; i < KA_ARRAY_SIZE(targets); i++)
		if (target_skipped(targets[i])) {
			fprintf(stderr, "SKIP: fixtures for %s were not built "
					"(see %s/%s/SKIPPED)\n",
				targets[i], fixtures, targets[i]);
			skipped = true;
		}
	if (ka_check_run(elf_exports_suite()) != EXIT_SUCCESS)
		return EXIT_FAILURE;
	if (skipped && getenv("KSYMAUDIT_REQUIRE_REAL") &&
	    strcmp(getenv("KSYMAUDIT_REQUIRE_REAL"), "1") == 0) {
		fprintf(stderr, "FAIL: fixture targets missing and "
				"KSYMAUDIT_REQUIRE_REAL=1\n");
		return EXIT_FAILURE;
	}
	return skipped ? 77 : EXIT_SUCCESS;
}
