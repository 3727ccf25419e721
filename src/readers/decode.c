/*
 * References decoded from the code of a linked image that carries no
 * relocations for it: Debian's 6.12 and 7.x debug vmlinux, and any vmlinux
 * of 6.15+ that kept none (the build moves them to vmlinux.unstripped).
 * Instructions are read with Capstone, one disassembler API for x86-64,
 * arm64, s390x and ppc64; the per-architecture readers (decode-x86.c,
 * decode-arm64.c) turn calls, jumps and address operands into targets, and
 * this file names each target by the function or object that holds it.
 * Static keys and static calls need no decoding: the kernel's __jump_table
 * entries ({s32 code, s32 target, long key}, include/linux/jump_label.h,
 * CONFIG_HAVE_ARCH_JUMP_LABEL_RELATIVE) and .static_call_sites entries
 * ({s32 addr, s32 key}, include/linux/static_call_types.h) are relative to
 * their own fields, the key's two low bits flags.
 */
#include <errno.h>
#include <stdlib.h>

#include "config.h"
#include "ksymaudit/refs.h"

#if ENABLE_CAPSTONE
#include "decode.h"

/* A function or object, by address. */
struct addrsym {
	uint64_t addr, size;
	size_t symi;
	bool global;
};

struct dscn {
	const char *name;
	uint64_t addr, size, flags;
	uint32_t type;
};

struct ka_dec {
	struct ka_elf *e;
	ka_ref_filter want;
	void *arg;
	struct ka_refs *out;
	size_t nscn;
	struct dscn *s;
	Elf_Data *symdata;
	size_t nsyms, strndx;
	unsigned char *asked; /* per symbol: 0 not asked, 1 no, 2 wanted */
	struct addrsym *as;   /* sorted by address */
	size_t n_as;
	uint64_t lo, hi;      /* span of the allocated sections */
};

/* Tables and sections that are not code to decode. */
static const char *const skip_code[] = { ".discard" };

static int cmp_as(const void *a, const void *b)
{
	const struct addrsym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->global != y->global)
		return x->global ? 1 : -1; /* the global one last: preferred */
	return x->symi < y->symi ? -1 : x->symi > y->symi;
}

static bool sym_at(const struct ka_dec *d, size_t i, GElf_Sym *s)
{
	return i && i < d->nsyms && gelf_getsym(d->symdata, (int)i, s);
}

static const char *sym_name(const struct ka_dec *d, const GElf_Sym *s)
{
	const char *n = elf_strptr(d->e->elf, d->strndx, s->st_name);
	return n ? n : "";
}

static int load(struct ka_dec *d)
{
	struct ka_elf *e = d->e;
	if (elf_getshdrnum(e->elf, &d->nscn) != 0 || !d->nscn)
		return -EINVAL;
	d->s = xcalloc(d->nscn, sizeof(*d->s));
	d->lo = UINT64_MAX;
	Elf_Scn *symscn = NULL;
	for (size_t i = 1; i < d->nscn; i++) {
		Elf_Scn *scn = elf_getscn(e->elf, i);
		GElf_Shdr sh;
		if (!scn || !gelf_getshdr(scn, &sh))
			return -EINVAL;
		const char *n = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
		d->s[i] = (struct dscn){ n ? n : "", sh.sh_addr, sh.sh_size,
					 sh.sh_flags, sh.sh_type };
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize) {
			symscn = scn;
			d->strndx = sh.sh_link;
		}
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_addr && sh.sh_size) {
			if (sh.sh_addr < d->lo)
				d->lo = sh.sh_addr;
			if (sh.sh_addr + sh.sh_size > d->hi)
				d->hi = sh.sh_addr + sh.sh_size;
		}
	}
	if (!symscn)
		return -ENOENT;
	d->symdata = elf_getdata(symscn, NULL);
	GElf_Shdr sh;
	if (!d->symdata || !gelf_getshdr(symscn, &sh))
		return -EINVAL;
	d->nsyms = d->symdata->d_size / sh.sh_entsize;
	d->asked = xcalloc(d->nsyms + 1, 1);
	size_t cap = 0;
	for (size_t i = 1; i < d->nsyms; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d->symdata, (int)i, &s))
			continue;
		int t = GELF_ST_TYPE(s.st_info);
		/* Zero-sized objects (an empty lock class key, a UP
		 * spinlock) share their address with the next one. */
		if ((t != STT_FUNC && t != STT_OBJECT) || !s.st_size ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= d->nscn ||
		    !(d->s[s.st_shndx].flags & SHF_ALLOC) || !*sym_name(d, &s))
			continue;
		ARRAY_GROW(d->as, d->n_as, cap);
		d->as[d->n_as++] = (struct addrsym){
			s.st_value, s.st_size, i,
			GELF_ST_BIND(s.st_info) != STB_LOCAL };
	}
	if (d->n_as)
		qsort(d->as, d->n_as, sizeof(*d->as), cmp_as);
	return 0;
}

/* The function or object holding addr (the innermost, a global one among
 * aliases), or NULL. */
static const struct addrsym *holder(const struct ka_dec *d, uint64_t addr)
{
	size_t lo = 0, hi = d->n_as;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->as[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo, steps = 0; k-- > 0 && steps < 16; steps++) {
		const struct addrsym *a = &d->as[k];
		if (addr < a->addr + a->size)
			return a;
	}
	return NULL;
}

bool ka_dec_is_address(const struct ka_dec *d, uint64_t addr, bool percpu)
{
	if (addr >= d->lo && addr < d->hi)
		return true;
	if (!percpu)
		return false;
	for (size_t i = 1; i < d->nscn; i++)
		if (d->s[i].addr == 0 && (d->s[i].flags & SHF_ALLOC) &&
		    addr < d->s[i].size && str_starts(d->s[i].name, ".data..percpu"))
			return true;
	return false;
}

/* The section holding addr (allocated, with contents or not), else 0. */
static size_t scn_of(const struct ka_dec *d, uint64_t addr)
{
	for (size_t i = 1; i < d->nscn; i++)
		if ((d->s[i].flags & SHF_ALLOC) && addr >= d->s[i].addr &&
		    addr - d->s[i].addr < d->s[i].size)
			return i;
	return 0;
}

/* Is symbol a wanted (asked once per symbol)? */
static bool wanted(struct ka_dec *d, const struct addrsym *a, GElf_Sym *s)
{
	if (!sym_at(d, a->symi, s))
		return false;
	if (!d->asked[a->symi])
		d->asked[a->symi] =
			!d->want || d->want(sym_name(d, s), s, d->arg) ? 2 : 1;
	return d->asked[a->symi] == 2;
}

/*
 * A reference to target, which t holds. Aliases at t's address (7.x's
 * __pi_gdt_page beside gdt_page, a static beside its global) all hold it:
 * the first one the filter wants names it, globals first, as the
 * relocation would name the one the source used.
 */
static void push(struct ka_dec *d, enum ka_ref_kind kind, size_t scn,
		 uint64_t off, size_t from, uint64_t from_off,
		 const struct addrsym *t, uint64_t target)
{
	GElf_Sym s;
	size_t k = (size_t)(t - d->as), hi = k, lo = k;
	while (hi + 1 < d->n_as && d->as[hi + 1].addr == t->addr)
		hi++;
	while (lo > 0 && d->as[lo - 1].addr == t->addr)
		lo--;
	const struct addrsym *pick = NULL;
	for (size_t i = hi + 1; i-- > lo && !pick;)
		if (target < d->as[i].addr + d->as[i].size &&
		    wanted(d, &d->as[i], &s))
			pick = &d->as[i];
	if (!pick)
		return;
	struct ka_refs *o = d->out;
	ARRAY_GROW(o->v, o->n, o->cap);
	o->v[o->n++] = (struct ka_ref){
		.symbol = sym_name(d, &s),
		.sym_index = pick->symi,
		.kind = kind,
		.scn = scn,
		.offset = off,
		.addr = d->s[scn].addr + off,
		.from_scn = from,
		.from_offset = from_off,
		.addend = (int64_t)(target - s.st_value),
	};
}

void ka_dec_emit(struct ka_dec *d, enum ka_ref_kind kind, size_t scn,
		 uint64_t field_off, uint64_t target)
{
	const struct addrsym *t = holder(d, target);
	if (!t)
		return;
	const struct addrsym *f = holder(d, d->s[scn].addr + field_off);
	if (f && f->addr == t->addr && f->symi == t->symi)
		return; /* a jump inside its own function */
	/* Replacement code, copied over the patched instruction at boot:
	 * what the relocations of .altinstructions say. */
	if ((kind == KA_REF_CALL || kind == KA_REF_CODE) &&
	    !strcmp(d->s[scn].name, ".altinstr_replacement"))
		kind = KA_REF_ALTINSTR;
	push(d, kind, scn, field_off, scn, field_off, t, target);
}

static bool skipped(const char *name)
{
	for (size_t i = 0; i < KA_ARRAY_SIZE(skip_code); i++)
		if (str_starts(name, skip_code[i]))
			return true;
	return false;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* One executable section: a linear sweep restarted at every function. */
static int sweep(struct ka_dec *d, const struct ka_dec_arch *arch, size_t i)
{
	Elf_Scn *scn = elf_getscn(d->e->elf, i);
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	if (!data || !data->d_buf || !data->d_size)
		return 0;
	const struct dscn *s = &d->s[i];
	uint64_t size = data->d_size < s->size ? data->d_size : s->size;
	/* Function starts in this section: where decoding restarts. */
	uint64_t *b = NULL;
	size_t nb = 0, cap = 0;
	ARRAY_GROW(b, nb, cap);
	b[nb++] = 0;
	for (size_t k = 0; k < d->n_as; k++) {
		const struct addrsym *a = &d->as[k];
		if (a->addr > s->addr && a->addr - s->addr < size) {
			GElf_Sym sy;
			if (!sym_at(d, a->symi, &sy) ||
			    GELF_ST_TYPE(sy.st_info) != STT_FUNC)
				continue;
			ARRAY_GROW(b, nb, cap);
			b[nb++] = a->addr - s->addr;
		}
	}
	ARRAY_GROW(b, nb, cap);
	b[nb++] = size;
	qsort(b, nb, sizeof(*b), cmp_u64);

	csh h;
	if (cs_open(arch->arch, arch->mode, &h) != CS_ERR_OK) {
		free(b);
		return -ENOMEM;
	}
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	cs_insn *insn = cs_malloc(h);
	void *state = xcalloc(1, arch->state_size ? arch->state_size : 1);
	unsigned step = arch->arch == CS_ARCH_X86 ? 1 : 4;
	for (size_t k = 0; k + 1 < nb; k++) {
		uint64_t off = b[k], end = b[k + 1];
		if (off == end)
			continue;
		memset(state, 0, arch->state_size ? arch->state_size : 1);
		while (off < end) {
			const uint8_t *p = (const uint8_t *)data->d_buf + off;
			size_t len = (size_t)(end - off);
			uint64_t addr = s->addr + off;
			if (!cs_disasm_iter(h, &p, &len, &addr, insn)) {
				off += step; /* data in the code, or padding */
				continue;
			}
			arch->insn(d, state, insn, i, off);
			off += insn->size;
		}
	}
	free(state);
	cs_free(insn, 1);
	cs_close(&h);
	free(b);
	return 0;
}

static int64_t rd(const struct ka_dec *d, const uint8_t *p, unsigned n)
{
	bool msb = d->e->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	uint64_t v = 0;
	for (unsigned k = 0; k < n; k++)
		v |= (uint64_t)p[msb ? k : n - 1 - k] << (8 * (n - 1 - k));
	return n == 4 ? (int64_t)(int32_t)v : (int64_t)v;
}

/* [start, stop) of a linked table: __start_NAME/__stop_NAME or the
 * section NAME. */
static bool table(const struct ka_dec *d, const char *name, uint64_t *start,
		  uint64_t *stop)
{
	char a[96], z[96];
	snprintf(a, sizeof(a), "__start_%s", name);
	snprintf(z, sizeof(z), "__stop_%s", name);
	*start = *stop = 0;
	for (size_t i = 1; i < d->nsyms; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d->symdata, (int)i, &s) ||
		    s.st_shndx == SHN_UNDEF)
			continue;
		const char *n = sym_name(d, &s);
		if (n[0] != '_' || n[1] != '_')
			continue;
		if (!strcmp(n, a))
			*start = s.st_value;
		else if (!strcmp(n, z))
			*stop = s.st_value;
	}
	if (*start && *stop > *start)
		return true;
	for (size_t i = 1; i < d->nscn; i++)
		if (!strcmp(d->s[i].name, name) && d->s[i].type == SHT_PROGBITS) {
			*start = d->s[i].addr;
			*stop = d->s[i].addr + d->s[i].size;
			return *stop > *start;
		}
	return false;
}

/* Entries {s32 code, s32 x, [s32 target,] long/s32 key}: the key (two low
 * bits flags) used at the code address. */
static void rel_table(struct ka_dec *d, const char *name, unsigned entsize,
		      unsigned key_at, unsigned key_size, enum ka_ref_kind kind)
{
	uint64_t start, stop;
	if (!table(d, name, &start, &stop))
		return;
	size_t ts = scn_of(d, start);
	Elf_Scn *scn = ts ? elf_getscn(d->e->elf, ts) : NULL;
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	if (!data || !data->d_buf)
		return;
	uint64_t base = d->s[ts].addr;
	if (stop - base > data->d_size)
		return;
	const uint8_t *p = data->d_buf;
	for (uint64_t a = start; a + entsize <= stop; a += entsize) {
		uint64_t code = a + (uint64_t)rd(d, p + (a - base), 4);
		uint64_t ka = a + key_at;
		uint64_t key = ka + ((uint64_t)rd(d, p + (ka - base), key_size) &
				     ~(uint64_t)3);
		size_t cs = scn_of(d, code);
		const struct addrsym *t = holder(d, key);
		if (!cs || !t)
			continue;
		push(d, kind, cs, code - d->s[cs].addr, ts, ka - base, t, key);
	}
}

/* A replacement of .altinstructions: [repl, repl + len) patches instr. */
struct alt {
	uint64_t repl, len, instr;
};

static int cmp_alt(const void *a, const void *b)
{
	const struct alt *x = a, *y = b;
	return x->repl < y->repl ? -1 : x->repl > y->repl;
}

/*
 * x86's struct alt_instr (arch/x86/include/asm/alternative.h): {s32
 * instr_offset, s32 repl_offset, u16 cpuid, u8 instrlen, u8
 * replacementlen}, 12 bytes, until 6.2; the cpuid became a u32 ft_flags
 * in 6.3, 14 bytes. The size is the one under which every entry points
 * from code outside .altinstr_replacement into it.
 */
static size_t alt_entries(const struct ka_dec *d, struct alt **out)
{
	size_t ai = 0, ri = 0;
	for (size_t i = 1; i < d->nscn; i++) {
		if (!strcmp(d->s[i].name, ".altinstructions"))
			ai = i;
		else if (!strcmp(d->s[i].name, ".altinstr_replacement"))
			ri = i;
	}
	*out = NULL;
	Elf_Scn *scn = ai && ri ? elf_getscn(d->e->elf, ai) : NULL;
	Elf_Data *data = scn ? elf_rawdata(scn, NULL) : NULL;
	if (!data || !data->d_buf || !data->d_size)
		return 0;
	const uint8_t *p = data->d_buf;
	uint64_t base = d->s[ai].addr, rlo = d->s[ri].addr,
		 rhi = rlo + d->s[ri].size;
	static const unsigned sizes[] = { 14, 12 };
	for (size_t k = 0; k < KA_ARRAY_SIZE(sizes); k++) {
		unsigned es = sizes[k];
		if (data->d_size % es)
			continue;
		size_t n = data->d_size / es, good = 0;
		struct alt *v = xcalloc(n + 1, sizeof(*v));
		for (size_t i = 0; i < n; i++) {
			uint64_t a = base + i * es;
			uint64_t instr = a + (uint64_t)rd(d, p + i * es, 4);
			uint64_t repl = a + 4 + (uint64_t)rd(d, p + i * es + 4, 4);
			size_t is = scn_of(d, instr);
			if (!is || is == ri || !(d->s[is].flags & SHF_EXECINSTR) ||
			    repl < rlo || repl > rhi)
				break;
			v[good++] = (struct alt){ repl, p[i * es + es - 1], instr };
		}
		if (good == n) {
			qsort(v, n, sizeof(*v), cmp_alt);
			*out = v;
			return n;
		}
		free(v);
	}
	return 0;
}

/* References from replacement code belong to the instruction it patches,
 * as relocs.c's alt_remap says. */
static void alt_remap(struct ka_dec *d, size_t first)
{
	struct alt *v;
	size_t n = alt_entries(d, &v);
	for (size_t i = first; n && i < d->out->n; i++) {
		struct ka_ref *r = &d->out->v[i];
		if (r->kind != KA_REF_ALTINSTR)
			continue;
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (v[mid].repl <= r->addr)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (!lo || r->addr >= v[lo - 1].repl + v[lo - 1].len)
			continue;
		size_t is = scn_of(d, v[lo - 1].instr);
		r->scn = is;
		r->offset = v[lo - 1].instr - d->s[is].addr;
		r->addr = v[lo - 1].instr;
	}
	free(v);
}

static const struct ka_dec_arch *arch_of(unsigned machine)
{
	static const struct ka_dec_arch *const all[] = { &ka_dec_x86_64,
							 &ka_dec_arm64 };
	for (size_t i = 0; i < KA_ARRAY_SIZE(all); i++)
		if (all[i]->machine == machine)
			return all[i];
	return NULL;
}

bool ka_refs_decodable(unsigned machine)
{
	return arch_of(machine) != NULL;
}

int ka_refs_decode(struct ka_elf *e, ka_ref_filter want, void *arg,
		   struct ka_refs *out, struct ka_diags *diags)
{
	const struct ka_dec_arch *arch = arch_of(e->ehdr.e_machine);
	if (!arch || e->ehdr.e_type == ET_REL) {
		if (diags)
			ka_diag_add(diags, false, e->path, 0,
				    "its code has no relocations and references "
				    "are decoded only on x86-64 and arm64 (this is "
				    "%s): its calls, data references and static "
				    "keys are not seen",
				    ka_elf_machine_name(e->ehdr.e_machine));
		return 0;
	}
	struct ka_dec d = { .e = e, .want = want, .arg = arg, .out = out };
	size_t first = out->n;
	int err = load(&d);
	for (size_t i = 1; !err && i < d.nscn; i++)
		if ((d.s[i].flags & SHF_EXECINSTR) && (d.s[i].flags & SHF_ALLOC) &&
		    d.s[i].type == SHT_PROGBITS && !skipped(d.s[i].name))
			err = sweep(&d, arch, i);
	if (!err) {
		bool w64 = e->ehdr.e_ident[EI_CLASS] == ELFCLASS64;
		rel_table(&d, "__jump_table", w64 ? 16 : 12, 8, w64 ? 8 : 4,
			  KA_REF_STATIC_KEY);
		rel_table(&d, "static_call_sites", 8, 4, 4, KA_REF_STATIC_CALL);
		if (e->ehdr.e_machine == EM_X86_64)
			alt_remap(&d, first);
	}
	if (err && diags)
		ka_diag_add(diags, false, e->path, 0,
			    "cannot decode references from its code: %s",
			    err == -ENOENT ? "no symbol table" : strerror(-err));
	free(d.as);
	free(d.asked);
	free(d.s);
	return err ? err : (int)(out->n - first);
}

#else /* !ENABLE_CAPSTONE */

bool ka_refs_decodable(unsigned machine)
{
	(void)machine;
	return false;
}

int ka_refs_decode(struct ka_elf *e, ka_ref_filter want, void *arg,
		   struct ka_refs *out, struct ka_diags *diags)
{
	(void)want;
	(void)arg;
	(void)out;
	if (diags)
		ka_diag_add(diags, false, e->path, 0,
			    "its code has no relocations and ksymaudit was built "
			    "without Capstone: only direct calls to GPL-only "
			    "exports are seen (x86)");
	return 0;
}

#endif
