/* ka_refs_collect() and the symbol index on the explain fixtures. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/hashmap.h"
#include "ksymaudit/refs.h"
#include "tests/ka-check.h"

static const char *fx;

struct asked {
	struct hashmap seen;
	unsigned calls, repeats;
};

static bool want_undef(const char *name, const GElf_Sym *sym, void *arg)
{
	struct asked *a = arg;
	a->calls++;
	if (hashmap_get(&a->seen, name))
		a->repeats++;
	hashmap_put(&a->seen, name, (void *)1);
	return sym->st_shndx == SHN_UNDEF && *name;
}

static const struct ka_ref *ref_of(const struct ka_refs *r, const char *sym,
				   enum ka_ref_kind kind)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].symbol, sym) == 0 && r->v[i].kind == kind)
			return &r->v[i];
	ck_abort_msg("no %s reference of kind %s", sym, ka_ref_kind_name(kind));
	return NULL;
}

static const char *scn_name(struct ka_elf *e, size_t i)
{
	return ka_elf_section_name(e, elf_getscn(e->elf, i));
}

static void check_object(const char *file)
{
	char *path = xasprintf("%s/work/%s", fx, file), *why = NULL;
	struct ka_elf e;
	struct ka_refs r = { 0 };
	struct ka_symindex ix;
	struct asked a = { 0 };
	struct ka_diags d = { 0 };

	ck_assert_msg(ka_elf_open(path, &e, &why) == 0, "%s: %s", path, why);
	ck_assert_int_eq(ka_refs_collect(&e, want_undef, &a, &r, &d), 5);
	ck_assert_uint_eq(a.repeats, 0); /* asked once per symbol */
	ck_assert_uint_eq(r.n, 5);
	ck_assert_int_eq(ka_symindex_build(&e, &ix), 0);

	const struct ka_ref *c = ref_of(&r, "gpl_helper", KA_REF_CALL);
	ck_assert_str_eq(scn_name(&e, c->scn), ".text");
	ck_assert_str_eq(ka_symindex_lookup(&ix, c->scn, c->offset)->name,
			 "foo_work");
	ref_of(&r, "plain_helper", KA_REF_CALL);

	/* The static key site is the 5-byte nop the entry patches. */
	const struct ka_ref *k = ref_of(&r, "gpl_key", KA_REF_STATIC_KEY);
	ck_assert_str_eq(scn_name(&e, k->scn), ".text");
	ck_assert_str_eq(scn_name(&e, k->from_scn), "__jump_table");
	ck_assert_str_eq(ka_symindex_lookup(&ix, k->scn, k->offset)->name,
			 "foo_work");
	Elf_Data *text = elf_rawdata(elf_getscn(e.elf, k->scn), NULL);
	ck_assert(text && k->offset + 5 <= text->d_size);
	ck_assert_int_eq(memcmp((char *)text->d_buf + k->offset,
				"\x0f\x1f\x44\x00\x00", 5), 0);

	const struct ka_ref *dt = ref_of(&r, "gpl_target", KA_REF_DATA);
	ck_assert_str_eq(ka_symindex_lookup(&ix, dt->scn, dt->offset)->name,
			 "foo_ops");
	dt = ref_of(&r, "plain_helper", KA_REF_DATA);
	ck_assert_str_eq(ka_symindex_lookup(&ix, dt->scn, dt->offset)->name,
			 "foo_ops");

	ka_symindex_free(&ix);
	ka_refs_free(&r);
	hashmap_free(&a.seen);
	ka_diags_free(&d);
	ka_elf_close(&e);
	free(path);
}

START_TEST(test_refs_x86_64_rela)
{
	check_object("foo.o");
}
END_TEST

START_TEST(test_refs_x86_64_linked)
{
	check_object("foo.ko");
}
END_TEST

/* i386 uses REL: addends are read from the section contents. */
START_TEST(test_refs_i686_rel)
{
	char *p = xasprintf("%s/work/foo-i686.o", fx);
	bool have = access(p, R_OK) == 0;
	free(p);
	if (!have && getenv("CI") && strcmp(getenv("CI"), "true") == 0)
		ck_abort_msg("i686 fixture missing");
	if (have)
		check_object("foo-i686.o");
}
END_TEST

/* A NULL filter takes every symbol, section symbols included. */
START_TEST(test_refs_all)
{
	char *path = xasprintf("%s/work/foo.o", fx), *why = NULL;
	struct ka_elf e;
	struct ka_refs r = { 0 };
	ck_assert_int_eq(ka_elf_open(path, &e, &why), 0);
	ck_assert_int_gt(ka_refs_collect(&e, NULL, NULL, &r, NULL), 5);
	ka_refs_free(&r);
	ka_elf_close(&e);
	free(path);
}
END_TEST

START_TEST(test_refs_call_types)
{
	ck_assert(ka_reloc_is_call(EM_X86_64, R_X86_64_PLT32));
	ck_assert(!ka_reloc_is_call(EM_X86_64, R_X86_64_64));
	ck_assert(ka_reloc_is_call(EM_AARCH64, R_AARCH64_CALL26));
	ck_assert(ka_reloc_is_call(EM_PPC64, R_PPC64_REL24));
	ck_assert(!ka_reloc_is_call(EM_PPC64, R_PPC64_ADDR64));
}
END_TEST

int main(void)
{
	fx = getenv("EXPLAIN_FIXTURES");
	if (!fx) {
		fputs("EXPLAIN_FIXTURES is not set\n", stderr);
		return EXIT_FAILURE;
	}
	elf_version(EV_CURRENT);
	Suite *s = suite_create("refs");
	TCase *tc = tcase_create("refs");
	tcase_add_test(tc, test_refs_x86_64_rela);
	tcase_add_test(tc, test_refs_x86_64_linked);
	tcase_add_test(tc, test_refs_i686_rel);
	tcase_add_test(tc, test_refs_all);
	tcase_add_test(tc, test_refs_call_types);
	suite_add_tcase(s, tc);
	return ka_check_run(s);
}
