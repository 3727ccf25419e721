/*
 * Unit tests of ka_elf_open: plain and xz/zstd/gzip-compressed ELF files
 * (the test executable itself, compressed at test time), and bad input:
 * special files, decompression bombs, and hostile ELF files made by editing
 * a few bytes of real ones (recipes, not committed blobs).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/elffile.h"
#include "ksymaudit/input.h"
#include "ksymaudit/refs.h"
#include "tests/ka-check.h"

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

/*
 * Hostile-file recipes: each copies a real ELF file (this test program, or
 * a fixture module) and edits a few bytes, as the fuzzer did.
 */
static void copy_file(const char *from, const char *to)
{
	sh("cp '%s' '%s'", from, to);
}

static void poke(const char *path, uint64_t off, const void *bytes, size_t n)
{
	int fd = open(path, O_WRONLY);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, bytes, n, (off_t)off), (ssize_t)n);
	close(fd);
}

static void poke16(const char *path, uint64_t off, uint16_t v)
{
	poke(path, off, &v, 2); /* the x86-64 test host is little-endian */
}

static void poke64(const char *path, uint64_t off, uint64_t v)
{
	poke(path, off, &v, 8);
}

/* File offset of the section header named name (64-bit files). */
static uint64_t shdr_offset(const char *path, const char *name,
			    GElf_Shdr *out)
{
	struct ka_elf e;
	char *why = NULL;
	Elf_Scn *scn;
	uint64_t off;

	ck_assert_msg(ka_elf_open(path, &e, &why) == 0, "%s: %s", path, why);
	scn = ka_elf_section(&e, name);
	ck_assert_msg(scn != NULL, "%s: no section %s", path, name);
	ck_assert_ptr_nonnull(gelf_getshdr(scn, out));
	off = e.ehdr.e_shoff + elf_ndxscn(scn) * e.ehdr.e_shentsize;
	ka_elf_close(&e);
	return off;
}

/* File offset of the section header named name (32-bit files). */
static uint64_t shdr_offset32(const char *path, const char *name)
{
	struct ka_elf e;
	char *why = NULL;
	uint64_t off;

	ck_assert_msg(ka_elf_open(path, &e, &why) == 0, "%s: %s", path, why);
	off = e.ehdr.e_shoff +
	      elf_ndxscn(ka_elf_section(&e, name)) * e.ehdr.e_shentsize;
	ka_elf_close(&e);
	return off;
}

/* Index of the section named name. */
static size_t elf_index(const char *path, const char *name)
{
	struct ka_elf e;
	char *why = NULL;
	size_t i;

	ck_assert_msg(ka_elf_open(path, &e, &why) == 0, "%s: %s", path, why);
	i = elf_ndxscn(ka_elf_section(&e, name));
	ka_elf_close(&e);
	return i;
}

static const char *fixture(const char *rel)
{
	static char buf[4096];
	const char *fx = getenv("FIXTURES");
	ck_assert_msg(fx != NULL, "FIXTURES is not set");
	snprintf(buf, sizeof(buf), "%s/%s", fx, rel);
	return buf;
}

START_TEST(test_elffile_special_files)
{
	char *fifo = tmp("fifo.ko");

	/* Reported without opening: a FIFO would block open() forever. */
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	expect_error(fifo, -EINVAL, "is a FIFO (named pipe), not a regular file");
	expect_error("/dev/null", -EINVAL, "is a character device, not a regular file");
	free(fifo);
}
END_TEST

/* ka_elf_open of path within a second and 200 MiB of peak memory. */
static void expect_quick_refusal(const char *path, const char *words)
{
	struct timespec t0, t1;
	struct rusage ru;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	expect_error(path, -ENOEXEC, words);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(secs < 1.0, "%s: %.2f s to refuse", path, secs);
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
	ck_assert_msg(ru.ru_maxrss < 200 * 1024, "%s: peak RSS %ld KiB",
		      path, ru.ru_maxrss);
}

START_TEST(test_elffile_zero_bomb_xz)
{
	char *p = tmp("bomb.ko.xz"), *one = tmp("one.xz");
	if (!ENABLE_XZ)
		return;
	/* 1 GiB of zeros as 1024 concatenated 1 MiB streams (xz reads them
	   as one file, like the kernel's decompressor). */
	sh("head -c 1M /dev/zero | xz -0 -c > '%s'", one);
	sh("for i in $(seq 1024); do cat '%s'; done > '%s'", one, p);
	expect_quick_refusal(p, "xz data that does not hold an ELF file");
	free(one);
	free(p);
}
END_TEST

START_TEST(test_elffile_zero_bomb_zstd)
{
	char *p = tmp("bomb.ko.zst");
	if (!ENABLE_ZSTD)
		return;
	sh("head -c 1G /dev/zero | zstd -q -1 -c > '%s'", p);
	expect_quick_refusal(p, "zstd data that does not hold an ELF file");
	free(p);
}
END_TEST

START_TEST(test_elffile_zero_bomb_gzip)
{
	char *p = tmp("bomb.ko.gz");
	if (!ENABLE_ZLIB)
		return;
	sh("head -c 1G /dev/zero | gzip -1 -c > '%s'", p);
	expect_quick_refusal(p, "gzip data that does not hold an ELF file");
	free(p);
}
END_TEST

START_TEST(test_elffile_size_cap)
{
	char *p = tmp("big.ko.zst");
	struct ka_elf e;
	char *why = NULL, *data;
	size_t len;

	if (!ENABLE_ZSTD)
		return;
	/* A real ELF image that inflates past the cap: refused, says which. */
	sh("zstd -q -c '%s' > '%s'", self, p);
	ck_assert_int_eq(setenv("KSYMAUDIT_MAX_IMAGE_SIZE", "64K", 1), 0);
	ck_assert_uint_eq(ka_elf_max_image(), 64 << 10);
	ck_assert_int_eq(ka_elf_open(p, &e, &why), -EFBIG);
	ck_assert_str_eq(why, "zstd data inflates past the 64 KiB limit on a "
			      "decompressed image (KSYMAUDIT_MAX_IMAGE_SIZE)");
	free(why);
	ck_assert_int_eq(unsetenv("KSYMAUDIT_MAX_IMAGE_SIZE"), 0);
	ck_assert_uint_eq(ka_elf_max_image(), (size_t)2 << 30);
	/* The in-memory opener takes the cap as an argument. */
	ck_assert_int_eq(ka_input_read(p, &data, &len, &why), 0);
	ck_assert_int_eq(ka_elf_open_memory(p, data, len, 4096, &e, &why),
			 -EFBIG);
	free(why);
	ck_assert_int_eq(ka_elf_open_memory(p, data, len, 0, &e, &why), 0);
	ka_elf_close(&e);
	free(data);
	free(p);
}
END_TEST

START_TEST(test_elffile_ident_bytes)
{
	char *p = tmp("ident.ko");

	/* A flipped byte-order byte used to be reported as "truncated". */
	copy_file(self, p);
	poke(p, EI_DATA, (unsigned char[]){ELFDATA2MSB}, 1);
	expect_error(p, -ENOEXEC, "the byte-order byte (EI_DATA) says big-endian "
				  "but the header reads as little-endian");
	/* A flipped class byte used to be "not a kernel module". */
	copy_file(self, p);
	poke(p, EI_CLASS, (unsigned char[]){ELFCLASS32}, 1);
	expect_error(p, -ENOEXEC, "the class byte (EI_CLASS) says 32-bit but "
				  "the header is laid out as 64-bit");
	copy_file(self, p);
	poke(p, EI_CLASS, (unsigned char[]){7}, 1);
	expect_error(p, -ENOEXEC, "class byte (EI_CLASS) is 7");
	copy_file(self, p);
	poke(p, EI_DATA, (unsigned char[]){0}, 1);
	expect_error(p, -ENOEXEC, "byte-order byte (EI_DATA) is 0");
	free(p);
}
END_TEST

START_TEST(test_elffile_section_counts)
{
	/* kmod 30 asserted (SIGABRT) on each of these; now refused here. */
	char *p = tmp("shnum.ko");
	const char *mod = fixture("x86_64-prel32/mod-gpl.ko");

	copy_file(mod, p);
	poke16(p, offsetof(Elf64_Ehdr, e_shnum), 0);
	expect_error(p, -ENOEXEC, "no section headers (e_shnum is 0)");
	for (unsigned i = 0; i < 3; i++) {
		static const uint16_t bad[] = {0, 0xfff0, 0xffff};
		copy_file(mod, p);
		poke16(p, offsetof(Elf64_Ehdr, e_shstrndx), bad[i]);
		expect_error(p, -ENOEXEC, "section-name table");
	}
	free(p);
}
END_TEST

START_TEST(test_elffile_table_sections)
{
	char *p = tmp("entsize.o");
	const char *obj = fixture("x86_64-prel32/mod-proprietary.o");
	GElf_Shdr sh, bss;
	uint64_t off;

	/* A bad sh_entsize used to surface as "invalid section index". */
	copy_file(obj, p);
	off = shdr_offset(p, ".symtab", &sh);
	poke64(p, off + offsetof(Elf64_Shdr, sh_entsize), 7);
	expect_error(p, -ENOEXEC, "(.symtab): entry size (sh_entsize) 7, a "
				  "symbol table of this class has 24");
	/* Relocations whose symbol table is a huge NOBITS section made the
	   reader allocate ~2^63 bytes. */
	copy_file(obj, p);
	off = shdr_offset(p, ".rela.text", &sh);
	uint64_t bss_off = shdr_offset(p, ".bss", &bss);
	Elf64_Word bss_index = (Elf64_Word)elf_index(p, ".bss");
	poke(p, off + offsetof(Elf64_Shdr, sh_link), &bss_index, 4);
	poke64(p, bss_off + offsetof(Elf64_Shdr, sh_size), UINT64_MAX / 2);
	expect_error(p, -ENOEXEC, "(.rela.text): relocations refer to section");
	free(p);
}
END_TEST

static bool want_named(const char *name, const GElf_Sym *sym, void *arg)
{
	(void)sym;
	(void)arg;
	ck_assert_ptr_nonnull(name); /* was NULL: strcmp(NULL) in the filter */
	return true;
}

START_TEST(test_elffile_reloc_section_symbol_undef)
{
	char *p = tmp("secsym.o");
	const char *obj = fixture("x86_64-prel32/mod-proprietary.o");
	struct ka_refs refs = {0};
	struct ka_elf e;
	char *why = NULL;
	GElf_Shdr sh;

	/* Every symbol a section symbol of section 0 (SHN_UNDEF). */
	copy_file(obj, p);
	(void)shdr_offset(p, ".symtab", &sh);
	for (uint64_t i = 1; i < sh.sh_size / sh.sh_entsize; i++) {
		uint64_t at = sh.sh_offset + i * sh.sh_entsize;
		unsigned char info = GELF_ST_INFO(STB_GLOBAL, STT_SECTION);
		uint16_t undef = SHN_UNDEF;
		poke(p, at + offsetof(Elf64_Sym, st_info), &info, 1);
		poke(p, at + offsetof(Elf64_Sym, st_shndx), &undef, 2);
	}
	ck_assert_msg(ka_elf_open(p, &e, &why) == 0, "%s", why);
	ck_assert_int_ge(ka_refs_collect(&e, want_named, NULL, &refs, NULL), 1);
	for (size_t i = 0; i < refs.n; i++)
		ck_assert_ptr_nonnull(refs.v[i].symbol);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	free(p);
}
END_TEST

START_TEST(test_elffile_reloc_empty_table)
{
	/* A code-patching table whose relocation section is empty: qsort of
	   NULL, 0 (UBSan). */
	const char *ex = getenv("EXPLAIN_FIXTURES");
	char *src, *p = tmp("jt.o");
	struct ka_refs refs = {0};
	struct ka_elf e;
	char *why = NULL;
	GElf_Shdr sh;
	uint64_t off;

	ck_assert_msg(ex != NULL, "EXPLAIN_FIXTURES is not set");
	src = xasprintf("%s/work/foo.o", ex);
	copy_file(src, p);
	off = shdr_offset(p, ".rela__jump_table", &sh);
	poke64(p, off + offsetof(Elf64_Shdr, sh_size), 0);
	ck_assert_msg(ka_elf_open(p, &e, &why) == 0, "%s", why);
	ck_assert_int_ge(ka_refs_collect(&e, NULL, NULL, &refs, NULL), 0);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	free(src);
	free(p);
}
END_TEST

START_TEST(test_elffile_reloc_implicit_addend_offset)
{
	/* fuzz-imports and fuzz-dwarf, campaign 1: a REL relocation whose
	   offset, made section-relative, is near 2^64: "off + 4 > size"
	   wrapped and the implicit addend was read before the section. */
	char *p = tmp("rel.o");
	struct ka_refs refs = {0};
	struct ka_elf e;
	char *why = NULL;
	GElf_Shdr sh;
	uint64_t off;

	/* i686 (REL): a file of no type is treated as linked, r_offset minus
	   .text's sh_addr, here set to the first r_offset + 1: offset -1
	   (the 4 bytes read from there were partly before .text). */
	copy_file(fixture("i686-abs/mod-proprietary.o"), p);
	ck_assert_msg(ka_elf_open(p, &e, &why) == 0, "%s", why);
	GElf_Rel r0;
	ck_assert_ptr_nonnull(gelf_getrel(elf_getdata(ka_elf_section(&e, ".rel.text"),
						      NULL), 0, &r0));
	ka_elf_close(&e);
	poke16(p, offsetof(Elf32_Ehdr, e_type), ET_NONE);
	off = shdr_offset32(p, ".text");
	uint32_t addr = (uint32_t)r0.r_offset + 1;
	poke(p, off + offsetof(Elf32_Shdr, sh_addr), &addr, 4);
	ck_assert_msg(ka_elf_open(p, &e, &why) == 0, "%s", why);
	ck_assert_int_ge(ka_refs_collect(&e, NULL, NULL, &refs, NULL), 1);
	for (size_t i = 0; i < refs.n; i++)
		if (refs.v[i].from_offset > UINT64_MAX - 4) /* outside: no addend */
			ck_assert_int_eq(refs.v[i].addend, 0);
	ka_refs_free(&refs);
	ka_elf_close(&e);

	/* x86-64: .rela.text read as REL (16-byte entries): an addend of -4
	   becomes the next entry's offset, 2^64 - 4. */
	copy_file(fixture("x86_64-prel32/mod-proprietary.o"), p);
	off = shdr_offset(p, ".rela.text", &sh);
	uint32_t rel = SHT_REL;
	poke(p, off + offsetof(Elf64_Shdr, sh_type), &rel, 4);
	poke64(p, off + offsetof(Elf64_Shdr, sh_entsize), sizeof(Elf64_Rel));
	poke64(p, off + offsetof(Elf64_Shdr, sh_size),
	       sh.sh_size / sizeof(Elf64_Rel) * sizeof(Elf64_Rel));
	ck_assert_msg(ka_elf_open(p, &e, &why) == 0, "%s", why);
	ck_assert_int_ge(ka_refs_collect(&e, NULL, NULL, &refs, NULL), 0);
	ka_refs_free(&refs);
	ka_elf_close(&e);
	free(p);
}
END_TEST

START_TEST(test_elffile_machine_names)
{
	/* elfutils' names (dwelf_elf_e_machine_string). */
	ck_assert_str_eq(ka_elf_machine_name(EM_X86_64), "AMD x86-64");
	ck_assert_str_eq(ka_elf_machine_name(EM_PPC64), "PowerPC64");
	ck_assert_str_eq(ka_elf_machine_name(EM_386), "Intel 80386");
	ck_assert_str_eq(ka_elf_machine_name(0xfffe), "unknown machine");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("elffile");
	TCase *tc = tcase_create("elffile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_elffile_plain);
	tcase_add_test(tc, test_elffile_xz);
	tcase_add_test(tc, test_elffile_zstd);
	tcase_add_test(tc, test_elffile_gzip);
	tcase_add_test(tc, test_elffile_truncated);
	tcase_add_test(tc, test_elffile_truncated_compressed);
	tcase_add_test(tc, test_elffile_garbage_empty_missing_dir);
	tcase_add_test(tc, test_elffile_special_files);
	tcase_add_test(tc, test_elffile_zero_bomb_xz);
	tcase_add_test(tc, test_elffile_zero_bomb_zstd);
	tcase_add_test(tc, test_elffile_zero_bomb_gzip);
	tcase_add_test(tc, test_elffile_size_cap);
	tcase_add_test(tc, test_elffile_ident_bytes);
	tcase_add_test(tc, test_elffile_section_counts);
	tcase_add_test(tc, test_elffile_table_sections);
	tcase_add_test(tc, test_elffile_reloc_section_symbol_undef);
	tcase_add_test(tc, test_elffile_reloc_empty_table);
	tcase_add_test(tc, test_elffile_reloc_implicit_addend_offset);
	tcase_add_test(tc, test_elffile_machine_names);
	/* The bombs are made at test time (gzip of 1 GiB takes seconds). */
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
