/*
 * Unit tests of ka_elf_open: plain and xz/zstd/gzip-compressed ELF files
 * (the test executable itself, compressed at test time), and bad input.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/elffile.h"

static char tmpdir[] = "/tmp/ka-elffile-XXXXXX";
static char self[4096];

static char *tmp(const char *name)
{
	return xasprintf("%s/%s", tmpdir, name);
}

static void sh(const char *fmt, ...) KA_PRINTF(1, 2);
static void sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	ck_assert_msg(system(cmd) == 0, "command failed: %s", cmd);
	free(cmd);
}

static void setup(void)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	ck_assert(n > 0);
	self[n] = '\0';
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
	sh("rm -rf '%s'", tmpdir);
	strcpy(tmpdir, "/tmp/ka-elffile-XXXXXX");
}

static void check_same_as_plain(const char *path, const char *compression)
{
	struct ka_elf plain, c;
	char *why = NULL;

	ck_assert_int_eq(ka_elf_open(self, &plain, &why), 0);
	ck_assert_msg(ka_elf_open(path, &c, &why) == 0, "%s: %s", path, why);
	ck_assert_str_eq(c.compression, compression);
	ck_assert_uint_eq(c.size, plain.size);
	ck_assert_int_eq(c.ehdr.e_machine, plain.ehdr.e_machine);
	ck_assert_int_eq(c.ehdr.e_shnum, plain.ehdr.e_shnum);
	ck_assert_ptr_nonnull(ka_elf_section(&c, ".symtab"));
	ka_elf_close(&c);
	ka_elf_close(&plain);
}

START_TEST(test_elffile_plain)
{
	struct ka_elf e;
	char *why = NULL;

	ck_assert_int_eq(ka_elf_open(self, &e, &why), 0);
	ck_assert_ptr_null(e.compression);
	ck_assert_ptr_nonnull(ka_elf_section(&e, ".text"));
	ck_assert_ptr_null(ka_elf_section(&e, ".no-such-section"));
	ka_elf_close(&e);
}
END_TEST

START_TEST(test_elffile_xz)
{
	char *p = tmp("m.ko.xz");
	if (!ENABLE_XZ)
		return;
	sh("xz -c '%s' > '%s'", self, p);
	check_same_as_plain(p, "xz");
	free(p);
}
END_TEST

START_TEST(test_elffile_zstd)
{
	char *p = tmp("m.ko.zst");
	if (!ENABLE_ZSTD)
		return;
	sh("zstd -q -c '%s' > '%s'", self, p);
	check_same_as_plain(p, "zstd");
	free(p);
}
END_TEST

START_TEST(test_elffile_gzip)
{
	/* Named without a suffix: the magic decides, not the name. */
	char *p = tmp("module-without-suffix");
	if (!ENABLE_ZLIB)
		return;
	sh("gzip -c '%s' > '%s'", self, p);
	check_same_as_plain(p, "gzip");
	free(p);
}
END_TEST

static void expect_error(const char *path, int err, const char *words)
{
	struct ka_elf e;
	char *why = NULL;

	ck_assert_int_eq(ka_elf_open(path, &e, &why), err);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, words), "'%s' does not say '%s'", why, words);
	free(why);
}

START_TEST(test_elffile_truncated)
{
	char *p = tmp("trunc.ko");
	struct stat st;

	ck_assert_int_eq(stat(self, &st), 0);
	sh("head -c %lld '%s' > '%s'", (long long)st.st_size / 2, self, p);
	expect_error(p, -ENOEXEC, "truncated");
	sh("head -c 20 '%s' > '%s'", self, p);
	expect_error(p, -ENOEXEC, "ELF");
	free(p);
}
END_TEST

START_TEST(test_elffile_truncated_compressed)
{
	char *p = tmp("trunc.ko.xz");
	if (!ENABLE_XZ)
		return;
	sh("xz -c '%s' | head -c 3000 > '%s'", self, p);
	expect_error(p, -EINVAL, "xz");
	sh("printf '\\050\\265\\057\\375garbage' > '%s'", p);
	expect_error(p, -EINVAL, "zstd");
	sh("printf '\\037\\213garbage' > '%s'", p);
	expect_error(p, -EINVAL, "gzip");
	free(p);
}
END_TEST

START_TEST(test_elffile_garbage_empty_missing_dir)
{
	char *p = tmp("garbage.ko");

	sh("printf 'this is not an ELF file at all, just text\\n' > '%s'", p);
	expect_error(p, -ENOEXEC, "not an ELF file");
	sh(": > '%s'", p);
	expect_error(p, -ENOEXEC, "empty");
	expect_error("/nonexistent/x.ko", -ENOENT, "No such file");
	expect_error(tmpdir, -EISDIR, "directory");
	free(p);
}
END_TEST

START_TEST(test_elffile_machine_names)
{
	ck_assert_str_eq(ka_elf_machine_name(EM_X86_64), "x86_64");
	ck_assert_str_eq(ka_elf_machine_name(EM_PPC64), "ppc64");
	ck_assert_str_eq(ka_elf_machine_name(EM_386), "i386");
	ck_assert_str_eq(ka_elf_machine_name(0xfffe), "unknown machine");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elffile");
	TCase *tc = tcase_create("elffile");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elffile_plain);
	tcase_add_test(tc, test_elffile_xz);
	tcase_add_test(tc, test_elffile_zstd);
	tcase_add_test(tc, test_elffile_gzip);
	tcase_add_test(tc, test_elffile_truncated);
	tcase_add_test(tc, test_elffile_truncated_compressed);
	tcase_add_test(tc, test_elffile_garbage_empty_missing_dir);
	tcase_add_test(tc, test_elffile_machine_names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
