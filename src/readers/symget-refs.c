/*
 * The names a module hands to symbol_get(). The macro expands to
 * __symbol_get("name") (include/linux/module.h); kernels after 6.12 (7.x)
 * also record the name in the section .no_trim_symbol of the module .o,
 * which modpost reads (the final .ko's linker script discards it). A .ko
 * keeps the name only as a string argument: on x86-64 it is the string a
 * relocation in the few bytes before the call to __symbol_get points to
 * (`mov $.LC0,%rdi` or `lea .LC0(%rip),%rdi`).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"
#include "ksymaudit/refs.h"

/* How far before the call the argument is loaded: a few instructions. */
#define ARG_WINDOW 32

static bool string_section(struct ka_elf *e, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(e->elf, shndx);
	const char *name = scn ? ka_elf_section_name(e, scn) : NULL;
	return name && (str_starts(name, ".rodata.str") ||
			!strcmp(name, ".rodata") ||
			str_starts(name, ".rodata."));
}

static bool want(const char *symbol, const GElf_Sym *sym, void *arg)
{
	if (!strcmp(symbol, "__symbol_get"))
		return true;
	return sym->st_shndx != SHN_UNDEF && sym->st_shndx < SHN_LORESERVE &&
	       string_section(arg, sym->st_shndx);
}

static bool get_sym(struct ka_elf *e, size_t index, GElf_Sym *out)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		return d && gelf_getsym(d, (int)index, out) != NULL;
	}
	return false;
}

/* The NUL-terminated string at off in section shndx, or NULL. */
static const char *string_at(struct ka_elf *e, size_t shndx, int64_t off)
{
	Elf_Scn *scn = elf_getscn(e->elf, shndx);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf || off < 0 || (uint64_t)off >= d->d_size)
		return NULL;
	const char *s = (const char *)d->d_buf + off;
	size_t max = d->d_size - (size_t)off;
	size_t len = strnlen(s, max);
	if (len == 0 || len == max)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '_' || (s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
			return NULL; /* not a C identifier */
	return s;
}

static void push_unique(struct strvec *v, const char *s)
{
	if (!strvec_contains(v, s))
		strvec_push(v, s);
}

static void no_trim_section(struct ka_elf *e, struct strvec *out)
{
	Elf_Scn *scn = ka_elf_section(e, ".no_trim_symbol");
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf)
		return;
	const char *p = d->d_buf, *end = p + d->d_size;
	while (p < end) {
		size_t len = strnlen(p, (size_t)(end - p));
		if (len && p + len < end)
			push_unique(out, p);
		p += len + 1;
	}
}

static int cmp_ref(const void *a, const void *b)
{
	const struct ka_ref *x = a, *y = b;
	if (x->scn != y->scn)
		return x->scn < y->scn ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int ka_symbol_gets_read(struct ka_elf *e, struct ka_module *m,
			struct ka_diags *diags)
{
	bool imported = false;
	for (size_t i = 0; i < m->n_imports; i++)
		if (!strcmp(m->imports[i].name, "__symbol_get"))
			imported = true;
	no_trim_section(e, &m->symbol_gets);
	if (!imported || e->ehdr.e_machine != EM_X86_64)
		return 0;

	struct ka_refs refs = { 0 };
	int r = ka_refs_collect(e, want, e, &refs, diags);
	if (r < 0)
		return r;
	qsort(refs.v, refs.n, sizeof(*refs.v), cmp_ref);
	for (size_t i = 0; i < refs.n; i++) {
		const struct ka_ref *c = &refs.v[i];
		if (c->kind != KA_REF_CALL || strcmp(c->symbol, "__symbol_get"))
			continue;
		m->n_symbol_get_calls++;
		/* The nearest string loaded before the call. */
		for (size_t k = i; k-- > 0;) {
			const struct ka_ref *a = &refs.v[k];
			if (a->scn != c->scn || a->offset + ARG_WINDOW < c->offset)
				break;
			GElf_Sym s;
			if (a->kind != KA_REF_CODE || !get_sym(e, a->sym_index, &s))
				continue;
			/* R_X86_64_PC32 (2): the addend is off - 4. */
			int64_t off = (int64_t)s.st_value + a->addend +
				      (a->r_type == R_X86_64_PC32 ? 4 : 0);
			const char *name = string_at(e, s.st_shndx, off);
			if (name) {
				push_unique(&m->symbol_gets, name);
				break;
			}
		}
	}
	ka_refs_free(&refs);
	return 0;
}
