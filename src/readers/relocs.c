/* References to symbols from relocations: code, code-patching tables, data. */
#include <errno.h>
#include <stdlib.h>

#include "ksymaudit/refs.h"

/* What a section's relocations mean. */
enum scn_role {
	ROLE_SKIP,   /* not allocated, or bookkeeping */
	ROLE_CODE,   /* executable */
	ROLE_ANNEX,  /* table of entries that patch code */
	ROLE_ALTINSTR, /* .altinstructions: {instr, replacement} pairs */
	ROLE_DATA,   /* any other allocated section */
};

struct annex {
	const char *name;
	enum ka_ref_kind kind;
	unsigned nrel;    /* relocations per entry when fixed, else 0 */
	unsigned entsize; /* bytes per entry on x86 when known, else 0 */
};

/*
 * Entry layouts, from the kernel's arch/x86/include/asm/jump_label.h
 * (struct jump_entry: code, target, key), static_call_types.h (addr, key),
 * asm/extable.h (insn, fixup, data/handler: 3 x 32 bits on x86).
 */
static const struct annex annexes[] = {
	{ "__jump_table", KA_REF_STATIC_KEY, 3, 0 },
	{ ".static_call_sites", KA_REF_STATIC_CALL, 2, 0 },
	{ "__ex_table", KA_REF_EXTABLE, 0, 12 },
	{ "__bug_table", KA_REF_BUG, 0, 0 },
	{ ".parainstructions", KA_REF_ANNEX, 0, 0 },
};

/* Tables the build or the loader keep for themselves: not uses. */
static const char *const bookkeeping[] = {
	"__mcount_loc", ".orc_", ".retpoline_sites", ".return_sites",
	".call_sites", ".ibt_endbr_seal", ".smp_locks", ".discard",
	".debug", ".zdebug", ".BTF", "__patchable_function_entries", ".note",
	".modinfo", "__ksymtab", "___ksymtab", "__kcrctab", "___kcrctab",
	".export_symbol", ".eh_frame", ".static_call_tramp_key", ".kcfi_traps",
	"__kstrtab", ".comment", ".gnu.linkonce.this_module",
};

bool ka_reloc_is_call(unsigned machine, unsigned t)
{
	switch (machine) {
	case EM_X86_64:
		return t == R_X86_64_PLT32;
	case EM_386:
		return t == R_386_PLT32;
	case EM_AARCH64:
		return t == R_AARCH64_CALL26 || t == R_AARCH64_JUMP26;
	case EM_PPC64:
		return t == R_PPC64_REL24 || t == 116 /* REL24_NOTOC */;
	case EM_PPC:
		return t == R_PPC_REL24 || t == R_PPC_PLTREL24;
	case EM_S390:
		return t == R_390_PLT32DBL || t == R_390_PC32DBL;
	case EM_RISCV:
		return t == R_RISCV_CALL || t == R_RISCV_CALL_PLT ||
		       t == R_RISCV_JAL;
	case EM_ARM:
		return t == R_ARM_CALL || t == R_ARM_JUMP24 ||
		       t == R_ARM_PC24 || t == R_ARM_THM_PC22 ||
		       t == R_ARM_THM_JUMP24;
	case EM_MIPS:
		return t == R_MIPS_26;
	default:
		return false;
	}
}

struct scninfo {
	const char *name;
	uint64_t addr, flags;
	enum scn_role role;
	const struct annex *annex;
	Elf_Data *data; /* raw contents, read on demand */
	bool data_read;
};

struct ctx {
	struct ka_elf *e;
	bool linked; /* ET_EXEC/ET_DYN: r_offset and st_value are addresses */
	size_t nscn;
	struct scninfo *s;
	ka_ref_filter want;
	void *arg;
	struct ka_refs *out;
	/* Per symbol: 0 not asked yet, 1 unwanted, 2 wanted (symtab of
	   the current relocation section). */
	unsigned char *asked;
	size_t nsyms;
	Elf_Data *symdata;
	size_t strndx;
	const char *why; /* what went wrong, for the message */
	size_t bad_scn;  /* the section it went wrong in, 0 if none */
	bool code_relocs; /* a relocation section applies to code */
};

/* One relocation, decoded. */
struct rel {
	uint64_t off;   /* field offset in the relocated section */
	size_t symi;
	unsigned type;
	int64_t addend;
	size_t tscn;    /* section of the target, 0 when undefined/absolute */
	uint64_t toff;  /* target offset in tscn (symbol + addend) */
	bool want;
	const char *name;
};

static Elf_Data *scn_data(struct ctx *c, size_t i)
{
	if (!c->s[i].data_read) {
		Elf_Scn *scn = elf_getscn(c->e->elf, i);
		c->s[i].data = scn ? elf_rawdata(scn, NULL) : NULL;
		c->s[i].data_read = true;
	}
	return c->s[i].data;
}

static enum scn_role role_of(const struct scninfo *si, const GElf_Shdr *sh,
			     const struct annex **annex)
{
	*annex = NULL;
	if (!(sh->sh_flags & SHF_ALLOC) || sh->sh_type == SHT_NOBITS)
		return sh->sh_flags & SHF_ALLOC ? ROLE_DATA : ROLE_SKIP;
	for (size_t i = 0; i < KA_ARRAY_SIZE(bookkeeping); i++)
		if (str_starts(si->name, bookkeeping[i]))
			return ROLE_SKIP;
	if (strcmp(si->name, ".altinstructions") == 0)
		return ROLE_ALTINSTR;
	for (size_t i = 0; i < KA_ARRAY_SIZE(annexes); i++)
		if (strcmp(si->name, annexes[i].name) == 0) {
			*annex = &annexes[i];
			return ROLE_ANNEX;
		}
	if (sh->sh_flags & SHF_EXECINSTR)
		return ROLE_CODE;
	return ROLE_DATA;
}

static int load_sections(struct ctx *c)
{
	if (elf_getshdrnum(c->e->elf, &c->nscn) != 0)
		return -EINVAL;
	if (c->nscn == 0) {
		c->why = "no section headers";
		return -EINVAL;
	}
	c->s = xcalloc(c->nscn, sizeof(*c->s));
	c->s[0].name = ""; /* SHN_UNDEF: a section symbol may point there */
	for (size_t i = 1; i < c->nscn; i++) {
		Elf_Scn *scn = elf_getscn(c->e->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh)) {
			c->why = "bad section header";
			return -EINVAL;
		}
		struct scninfo *si = &c->s[i];
		si->name = elf_strptr(c->e->elf, c->e->shstrndx, sh.sh_name);
		if (!si->name)
			si->name = "";
		si->addr = sh.sh_addr;
		si->flags = sh.sh_flags;
		si->role = role_of(si, &sh, &si->annex);
	}
	return 0;
}

static int64_t read_implicit(struct ctx *c, size_t scn, uint64_t off)
{
	Elf_Data *d = scn_data(c, scn);
	if (!d || !d->d_buf || off > d->d_size || d->d_size - off < 4)
		return 0;
	const unsigned char *p = (const unsigned char *)d->d_buf + off;
	uint32_t v = c->e->ehdr.e_ident[EI_DATA] == ELFDATA2MSB
			     ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
				       (uint32_t)p[2] << 8 | p[3]
			     : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
				       (uint32_t)p[1] << 8 | p[0];
	return (int32_t)v;
}

static bool decode(struct ctx *c, Elf_Data *d, bool rela, size_t k,
		   size_t target, struct rel *r)
{
	GElf_Sym sym;
	uint64_t info;
	if (rela) {
		GElf_Rela ra;
		if (!gelf_getrela(d, (int)k, &ra))
			return false;
		r->off = ra.r_offset;
		r->addend = ra.r_addend;
		info = ra.r_info;
	} else {
		GElf_Rel rl;
		if (!gelf_getrel(d, (int)k, &rl))
			return false;
		r->off = rl.r_offset;
		r->addend = 0;
		info = rl.r_info;
	}
	if (c->linked)
		r->off -= c->s[target].addr;
	/* gelf gives r_info in the 64-bit layout for both classes. */
	r->symi = GELF_R_SYM(info);
	r->type = GELF_R_TYPE(info);
	if (!rela)
		r->addend = read_implicit(c, target, r->off);
	r->tscn = 0;
	r->toff = 0;
	r->want = false;
	r->name = "";
	if (r->symi == 0 || r->symi >= c->nsyms ||
	    !gelf_getsym(c->symdata, (int)r->symi, &sym))
		return true;
	if (GELF_ST_TYPE(sym.st_info) == STT_SECTION) {
		if (sym.st_shndx < c->nscn)
			r->name = c->s[sym.st_shndx].name;
	} else {
		const char *n = elf_strptr(c->e->elf, c->strndx, sym.st_name);
		r->name = n ? n : "";
	}
	if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < SHN_LORESERVE &&
	    sym.st_shndx < c->nscn) {
		r->tscn = sym.st_shndx;
		r->toff = sym.st_value + (uint64_t)r->addend;
		if (c->linked)
			r->toff -= c->s[r->tscn].addr;
	}
	if (!c->asked[r->symi])
		c->asked[r->symi] =
			!c->want || c->want(r->name, &sym, c->arg) ? 2 : 1;
	r->want = c->asked[r->symi] == 2;
	return true;
}

static bool points_to_code(const struct ctx *c, const struct rel *r)
{
	return r->tscn && (c->s[r->tscn].flags & SHF_EXECINSTR);
}

static void push(struct ctx *c, const struct rel *r, enum ka_ref_kind kind,
		 size_t scn, uint64_t off, size_t from)
{
	struct ka_refs *o = c->out;
	ARRAY_GROW(o->v, o->n, o->cap);
	o->v[o->n++] = (struct ka_ref){
		.symbol = r->name,
		.sym_index = r->symi,
		.kind = kind,
		.scn = scn,
		.offset = off,
		.addr = c->s[scn].addr + off,
		.from_scn = from,
		.from_offset = r->off,
		.addend = r->addend,
		.r_type = r->type,
	};
}

/* x86: a PC-relative field right after a call, jmp or jcc opcode. */
static bool x86_branch_before(struct ctx *c, size_t scn, uint64_t off)
{
	Elf_Data *d = scn_data(c, scn);
	if (!d || !d->d_buf || off < 1 || off > d->d_size)
		return false;
	const unsigned char *p = (const unsigned char *)d->d_buf + off;
	if (p[-1] == 0xe8 || p[-1] == 0xe9)
		return true;
	return off >= 2 && p[-2] == 0x0f && (p[-1] & 0xf0) == 0x80;
}

static enum ka_ref_kind code_kind(struct ctx *c, const struct rel *r,
				  size_t scn)
{
	unsigned m = c->e->ehdr.e_machine;
	if (ka_reloc_is_call(m, r->type))
		return KA_REF_CALL;
	if ((m == EM_X86_64 && r->type == R_X86_64_PC32) ||
	    (m == EM_386 && r->type == R_386_PC32))
		return x86_branch_before(c, scn, r->off) ? KA_REF_CALL
							 : KA_REF_CODE;
	return KA_REF_CODE;
}

/* The entry's code location: its first field that points into code. */
static const struct rel *entry_code(const struct ctx *c, const struct rel *v,
				    size_t lo, size_t hi)
{
	for (size_t j = lo; j < hi; j++)
		if (points_to_code(c, &v[j]))
			return &v[j];
	return NULL;
}

static void annex_entries(struct ctx *c, const struct annex *a,
			  const struct rel *v, size_t n, size_t from)
{
	bool by_count = a->nrel && n % a->nrel == 0;
	bool by_size = !by_count && a->entsize &&
		       (c->e->ehdr.e_machine == EM_X86_64 ||
			c->e->ehdr.e_machine == EM_386);
	for (size_t i = 0; i < n; i++) {
		if (!v[i].want)
			continue;
		size_t lo = i, hi = i + 1;
		if (by_count) {
			lo = i - i % a->nrel;
			hi = lo + a->nrel;
		} else if (by_size) {
			uint64_t start = v[i].off - v[i].off % a->entsize;
			while (lo > 0 && v[lo - 1].off >= start)
				lo--;
		} else if (!points_to_code(c, &v[i])) {
			/* The run of code pointers just before this field. A
			 * field that points to code is its own entry's code
			 * location (.parainstructions: one pointer per
			 * entry), never a use of the previous entries'. */
			while (lo > 0 && points_to_code(c, &v[lo - 1]))
				lo--;
		}
		const struct rel *code = entry_code(c, v, lo, hi);
		if (code && code != &v[i])
			push(c, &v[i], a->kind, code->tscn, code->toff, from);
		else
			push(c, &v[i], a->kind, from, v[i].off, from);
	}
}

static int cmp_rel(const void *a, const void *b)
{
	const struct rel *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Replacement code location -> patched instruction, from .altinstructions. */
struct altmap {
	struct alt {
		size_t rscn;
		uint64_t roff;
		size_t iscn;
		uint64_t ioff;
	} *v;
	size_t n, cap;
};

/*
 * The entries whose replacement code sits in a section of its own
 * (x86's .altinstr_replacement), so that everything from one entry's
 * replacement to the next one's is replacement code. arm64 assembles its
 * replacements into a subsection of the code they patch (.text itself):
 * mapping by "the last replacement before the site" would take every
 * later reference of the section for one, so those are left as they are.
 */
static void alt_entries(const struct ctx *c, struct altmap *m,
			const struct rel *v, size_t n)
{
	if (n % 2)
		return;
	for (size_t i = 0; i < n; i += 2) {
		if (!v[i].tscn || !v[i + 1].tscn ||
		    !str_starts(c->s[v[i + 1].tscn].name, ".altinstr_replacement"))
			continue;
		ARRAY_GROW(m->v, m->n, m->cap);
		m->v[m->n++] = (struct alt){ v[i + 1].tscn, v[i + 1].toff,
					     v[i].tscn, v[i].toff };
	}
}

static int cmp_alt(const void *a, const void *b)
{
	const struct alt *x = a, *y = b;
	if (x->rscn != y->rscn)
		return x->rscn < y->rscn ? -1 : 1;
	return x->roff < y->roff ? -1 : x->roff > y->roff;
}

static void alt_remap(struct ctx *c, struct altmap *m, size_t first)
{
	if (!m->n)
		return;
	qsort(m->v, m->n, sizeof(*m->v), cmp_alt);
	for (size_t i = first; i < c->out->n; i++) {
		struct ka_ref *r = &c->out->v[i];
		if (r->kind != KA_REF_CALL && r->kind != KA_REF_CODE)
			continue;
		/* Last entry with the same section and roff <= offset. */
		size_t lo = 0, hi = m->n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const struct alt *a = &m->v[mid];
			if (a->rscn < r->scn ||
			    (a->rscn == r->scn && a->roff <= r->offset))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo || m->v[lo - 1].rscn != r->scn)
			continue;
		const struct alt *a = &m->v[lo - 1];
		r->kind = KA_REF_ALTINSTR;
		r->scn = a->iscn;
		r->offset = a->ioff;
		r->addr = c->s[a->iscn].addr + a->ioff;
	}
}

static int one_section(struct ctx *c, Elf_Scn *rscn, const GElf_Shdr *sh,
		       struct altmap *alts, struct rel **buf, size_t *bufcap)
{
	size_t target = sh->sh_info;
	if (target == 0 || target >= c->nscn || sh->sh_link >= c->nscn)
		return 0;
	enum scn_role role = c->s[target].role;
	if (role == ROLE_SKIP || sh->sh_entsize == 0)
		return 0;
	if (role == ROLE_CODE && sh->sh_size)
		c->code_relocs = true;

	c->bad_scn = elf_ndxscn(rscn);
	Elf_Scn *symscn = elf_getscn(c->e->elf, sh->sh_link);
	GElf_Shdr symsh;
	if (!symscn || !gelf_getshdr(symscn, &symsh) ||
	    (symsh.sh_type != SHT_SYMTAB && symsh.sh_type != SHT_DYNSYM) ||
	    symsh.sh_entsize == 0) {
		c->why = "its sh_link is not a symbol table";
		return -EINVAL;
	}
	Elf_Data *symdata = elf_getdata(symscn, NULL);
	if (!symdata || (symdata->d_size && !symdata->d_buf)) {
		c->why = "its symbol table cannot be read";
		return -EINVAL;
	}
	if (symdata != c->symdata) {
		/* A relocation section with another symbol table; the count
		   comes from the data read, never from sh_size alone. */
		free(c->asked);
		c->symdata = symdata;
		c->nsyms = symdata->d_size / symsh.sh_entsize;
		c->strndx = symsh.sh_link;
		c->asked = xcalloc(c->nsyms ? c->nsyms : 1, 1);
	}

	Elf_Data *d = elf_getdata(rscn, NULL);
	if (!d || (d->d_size && !d->d_buf)) {
		c->why = "its entries cannot be read";
		return -EINVAL;
	}
	bool rela = sh->sh_type == SHT_RELA;
	size_t n = d->d_size / sh->sh_entsize;
	bool table = role == ROLE_ANNEX || role == ROLE_ALTINSTR;
	if (table && n > *bufcap) {
		*bufcap = n;
		*buf = xrealloc(*buf, n * sizeof(**buf));
	}
	for (size_t k = 0; k < n; k++) {
		struct rel r;
		if (!decode(c, d, rela, k, target, &r)) {
			c->why = "a relocation entry cannot be read";
			return -EINVAL;
		}
		if (table) {
			(*buf)[k] = r;
			continue;
		}
		if (!r.want)
			continue;
		if (role == ROLE_CODE)
			push(c, &r, code_kind(c, &r, target), target, r.off,
			     target);
		else
			push(c, &r, KA_REF_DATA, target, r.off, target);
	}
	c->bad_scn = 0;
	if (!table || n == 0)
		return 0;
	qsort(*buf, n, sizeof(**buf), cmp_rel);
	if (role == ROLE_ALTINSTR)
		alt_entries(c, alts, *buf, n);
	else
		annex_entries(c, c->s[target].annex, *buf, n, target);
	return 0;
}

int ka_refs_collect(struct ka_elf *e, ka_ref_filter want, void *arg,
		    struct ka_refs *out, struct ka_diags *diags)
{
	struct ctx c = {
		.e = e,
		.linked = e->ehdr.e_type != ET_REL,
		.want = want,
		.arg = arg,
		.out = out,
	};
	struct altmap alts = { 0 };
	struct rel *buf = NULL;
	size_t bufcap = 0, first = out->n;
	int err = load_sections(&c);

	for (size_t i = 1; !err && i < c.nscn; i++) {
		Elf_Scn *scn = elf_getscn(e->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh)) {
			c.why = "bad section header";
			err = -EINVAL;
		} else if (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL)
			err = one_section(&c, scn, &sh, &alts, &buf, &bufcap);
	}
	if (!err)
		alt_remap(&c, &alts, first);
	else if (diags && c.bad_scn)
		ka_diag_add(diags, false, e->path, 0,
			    "cannot read relocations of section %zu (%s): %s",
			    c.bad_scn, c.s ? c.s[c.bad_scn].name : "?",
			    c.why ? c.why : "bad relocation section");
	else if (diags)
		ka_diag_add(diags, false, e->path, 0,
			    "cannot read relocations: %s",
			    c.why ? c.why : "bad section headers");
	/* A linked image stripped of its code's relocations: decode. */
	if (!err && c.linked && !c.code_relocs) {
		int n = ka_refs_decode(e, want, arg, out, diags);
		if (n < 0)
			err = n;
	}
	free(alts.v);
	free(buf);
	free(c.asked);
	free(c.s);
	return err ? err : (int)(out->n - first);
}

void ka_refs_free(struct ka_refs *r)
{
	if (!r)
		return;
	free(r->v);
	*r = (struct ka_refs){ 0 };
}
