/*
 * The __ksymtab* tables of ELF files of any class and byte order: merged
 * and per-symbol sections (absolute or PREL32 entries, 2 or 3 fields;
 * through relocations in relocatable files, through addresses in linked
 * ones), whose layout is found by decoding, and the 7.x flag of each entry
 * (__kflagstab, see elf-exports.c).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "elf-exports.h"

/* One relocation that patches a 4-byte slot of a table. */
struct slot {
	uint32_t sym; /* symbol index; 0: no relocation */
	int64_t addend;
};

/* include/linux/module_symbol.h (7.x) */
#define KSYM_FLAG_GPL_ONLY 0x01

/* A table layout: field size and number of fields per entry. */
struct layout {
	unsigned fs, nf;
	bool prel; /* linked files: fields are offsets, not pointers */
};

static bool is_strings_scn(struct ka_xctx *c, size_t idx)
{
	const char *n = ka_x_scn_name(c, idx);
	return n && strcmp(n, "__ksymtab_strings") == 0;
}

/* What one field refers to. */
enum target {
	T_NULL,    /* no reference */
	T_STRING,  /* a string in __ksymtab_strings (str) */
	T_OTHER,   /* something else (the exported object) */
	T_INVALID, /* out of range, a bad symbol, … */
};

/* Relocatable files: the field's relocation, else its raw bytes. */
static enum target field_rel(struct ka_xctx *c, const unsigned char *raw,
			     const struct slot *slots, uint64_t off,
			     unsigned fs, bool rela, const char **str)
{
	const struct slot *s = &slots[off / 4];
	GElf_Sym sym;
	size_t shndx;
	int64_t addend;

	if (!s->sym)
		return ka_x_rd(raw + off, fs, c->msb) ? T_INVALID : T_NULL;
	if (!ka_x_get_sym(c, s->sym, &sym, &shndx))
		return T_INVALID;
	addend = rela ? s->addend : ka_x_rd_signed(raw + off, fs, c->msb);
	if (!is_strings_scn(c, shndx))
		return shndx < c->nsec || shndx == SHN_ABS ||
				       shndx == SHN_COMMON
			       ? T_OTHER
			       : T_INVALID;
	{
		Elf_Scn *scn = elf_getscn(c->e->elf, shndx);
		Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
		uint64_t where = sym.st_value + (uint64_t)addend;
		*str = ka_x_string_at(d, where);
	}
	return *str ? T_STRING : T_INVALID;
}

/* Linked files: pointers or self-relative offsets, resolved by address. */
static enum target field_linked(struct ka_xctx *c, const unsigned char *raw,
				uint64_t addr, uint64_t off,
				const struct layout *l, const char **str)
{
	uint64_t v;
	if (l->prel) {
		int64_t d = ka_x_rd_signed(raw + off, 4, c->msb);
		if (d == 0)
			return T_NULL;
		v = addr + off + (uint64_t)d;
	} else {
		v = ka_x_rd(raw + off, l->fs, c->msb);
		if (v == 0)
			return T_NULL;
	}
	if (l->fs == 4 && c->ptrsize == 4)
		v &= 0xffffffffu;
	if (c->strdata && v >= c->strshdr.sh_addr &&
	    v - c->strshdr.sh_addr < c->strdata->d_size) {
		*str = ka_x_string_at(c->strdata, v - c->strshdr.sh_addr);
		return *str ? T_STRING : T_INVALID;
	}
	return T_OTHER;
}

struct table {
	const char *name; /* section name */
	enum ka_export_type type;
	bool per_symbol; /* "___ksymtab+SYM" of an object file */
	const unsigned char *raw;
	uint64_t size, addr;
	struct slot *slots; /* relocatable files */
	bool rela;
};

/* Decodes entry i; returns false when it is not a valid entry. */
static bool decode(struct ka_xctx *c, const struct table *t,
		   const struct layout *l, uint64_t i, const char **name,
		   const char **ns)
{
	uint64_t base = i * l->fs * l->nf;
	enum target tv, tn, ts = T_NULL;
	const char *dummy = NULL;

	*ns = NULL;
	if (c->relocatable) {
		tv = field_rel(c, t->raw, t->slots, base, l->fs, t->rela, &dummy);
		tn = field_rel(c, t->raw, t->slots, base + l->fs, l->fs,
			       t->rela, name);
		if (l->nf == 3)
			ts = field_rel(c, t->raw, t->slots, base + 2 * l->fs,
				       l->fs, t->rela, ns);
	} else {
		tv = field_linked(c, t->raw, t->addr, base, l, &dummy);
		tn = field_linked(c, t->raw, t->addr, base + l->fs, l, name);
		if (l->nf == 3)
			ts = field_linked(c, t->raw, t->addr, base + 2 * l->fs,
					  l, ns);
	}
	if (tv != T_OTHER || tn != T_STRING || !ka_x_plausible_name(*name))
		return false;
	if (ts == T_NULL || (ts == T_STRING && (!**ns || ka_x_plausible_namespace(*ns)))) {
		if (ts == T_NULL || !**ns)
			*ns = NULL;
		return true;
	}
	return false;
}

/*
 * The type of entry i of a __ksymtab when the file has 7.x flags: bit 0 of
 * its flag byte. An entry without a flag is read as the loader would find
 * no flags at all (it refuses such a module): reported, read as plain.
 */
static enum ka_export_type flagged_type(struct ka_xctx *c,
					const struct table *t, uint64_t i,
					const char *name)
{
	const unsigned char *f = NULL;

	if (t->per_symbol)
		f = hashmap_get(&c->flag_by_name, name);
	else if (i < c->n_flags)
		f = &c->flags[i];
	if (!f) {
		ka_diag_add(c->diags, false, c->e->path, 0,
			    "%s: entry %" PRIu64 " (%s) has no flag in __kflagstab; read as EXPORT_SYMBOL",
			    t->name, i, name);
		return KA_EXPORT_PLAIN;
	}
	return *f & KSYM_FLAG_GPL_ONLY ? KA_EXPORT_GPL : KA_EXPORT_PLAIN;
}

static void read_table(struct ka_xctx *c, const struct table *t)
{
	struct layout cand[4];
	size_t nc = 0, best = 0;
	uint64_t best_ok = 0, n;

	/* 3 fields before 2: ties go to the newer layout. */
	if (c->relocatable) {
		cand[nc++] = (struct layout){ 4, 3, false };
		cand[nc++] = (struct layout){ 4, 2, false };
		if (c->ptrsize == 8) {
			cand[nc++] = (struct layout){ 8, 3, false };
			cand[nc++] = (struct layout){ 8, 2, false };
		}
	} else {
		cand[nc++] = (struct layout){ 4, 3, true };
		cand[nc++] = (struct layout){ 4, 2, true };
		cand[nc++] = (struct layout){ c->ptrsize, 3, false };
		cand[nc++] = (struct layout){ c->ptrsize, 2, false };
	}
	for (size_t k = 0; k < nc; k++) {
		uint64_t ok = 0, entsz = cand[k].fs * cand[k].nf;
		const char *name, *ns;
		n = t->size / entsz;
		for (uint64_t i = 0; i < n; i++)
			ok += decode(c, t, &cand[k], i, &name, &ns);
		if (ok > best_ok) {
			best_ok = ok;
			best = k;
		}
	}
	if (best_ok == 0) {
		ka_diag_add(c->diags, false, c->e->path, 0,
			    "%s: no valid export entry in %" PRIu64 " bytes",
			    t->name, t->size);
		return;
	}

	{
		const struct layout *l = &cand[best];
		uint64_t entsz = l->fs * l->nf;
		n = t->size / entsz;
		for (uint64_t i = 0; i < n; i++) {
			const char *name, *ns;
			enum ka_export_type type = t->type;
			if (!decode(c, t, l, i, &name, &ns)) {
				ka_diag_add(c->diags, false, c->e->path, 0,
					    "%s: entry %" PRIu64
					    " (offset %#" PRIx64
					    ") does not resolve to an export; skipped",
					    t->name, i, i * entsz);
				continue;
			}
			if (c->have_flags && t->type == KA_EXPORT_PLAIN)
				type = flagged_type(c, t, i, name);
			ka_x_add_export(c, name, ns, type);
		}
		if (t->size % entsz)
			ka_diag_add(c->diags, false, c->e->path, 0,
				    "%s: truncated table: %" PRIu64
				    " bytes after the last %" PRIu64
				    "-byte entry",
				    t->name, t->size % entsz, entsz);
		if (c->have_flags && !t->per_symbol &&
		    t->type == KA_EXPORT_PLAIN && n != c->n_flags)
			ka_diag_add(c->diags, false, c->e->path, 0,
				    "__kflagstab has %" PRIu64
				    " flags for the %" PRIu64 " entries of %s",
				    c->n_flags, n, t->name);
	}
}

/* "__ksymtab_gpl" or "___ksymtab_gpl+foo" -> type; false: not a table. */
static bool table_type(const char *name, enum ka_export_type *type)
{
	static const struct {
		const char *suffix;
		enum ka_export_type type;
	} map[] = {
		{ "", KA_EXPORT_PLAIN },
		{ "_gpl", KA_EXPORT_GPL },
		{ "_unused", KA_EXPORT_UNUSED },
		{ "_unused_gpl", KA_EXPORT_UNUSED_GPL },
		{ "_gpl_future", KA_EXPORT_GPL_FUTURE },
	};
	const char *s;
	size_t len;

	if (str_starts(name, "___ksymtab")) {
		s = name + strlen("___ksymtab");
		const char *plus = strchr(s, '+');
		if (!plus)
			return false;
		len = (size_t)(plus - s);
	} else if (str_starts(name, "__ksymtab")) {
		s = name + strlen("__ksymtab");
		len = strlen(s);
	} else {
		return false;
	}
	for (size_t i = 0; i < KA_ARRAY_SIZE(map); i++)
		if (strlen(map[i].suffix) == len &&
		    memcmp(map[i].suffix, s, len) == 0) {
			*type = map[i].type;
			return true;
		}
	return false;
}

static void index_relocs(struct ka_xctx *c)
{
	size_t n = 0;
	Elf_Scn *s = NULL;
	if (elf_getshdrnum(c->e->elf, &n) < 0)
		n = 0;
	c->rel_n = n;
	c->rel_first = xcalloc(n + 1, sizeof(*c->rel_first));
	c->rel_next = xcalloc(n + 1, sizeof(*c->rel_next));
	size_t *last = xcalloc(n + 1, sizeof(*last));
	while ((s = elf_nextscn(c->e->elf, s))) {
		GElf_Shdr sh;
		size_t i = elf_ndxscn(s);
		if (!gelf_getshdr(s, &sh) || i >= n || sh.sh_info >= n ||
		    (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL))
			continue;
		if (last[sh.sh_info])
			c->rel_next[last[sh.sh_info] - 1] = i + 1;
		else
			c->rel_first[sh.sh_info] = i + 1;
		last[sh.sh_info] = i + 1;
	}
	free(last);
}

/* Fills t->slots from every relocation section that applies to scn. */
static void load_slots(struct ka_xctx *c, size_t scnidx, struct table *t)
{
	size_t nslots = (size_t)(t->size / 4) + 1;

	t->slots = xcalloc(nslots, sizeof(*t->slots));
	t->rela = false;
	if (!c->rel_first)
		index_relocs(c);
	for (size_t ri = scnidx < c->rel_n ? c->rel_first[scnidx] : 0; ri;
	     ri = c->rel_next[ri - 1]) {
		Elf_Scn *s = elf_getscn(c->e->elf, ri - 1);
		GElf_Shdr sh;
		Elf_Data *d;
		size_t nrel;
		if (!s || !gelf_getshdr(s, &sh) || sh.sh_info != scnidx ||
		    (sh.sh_type != SHT_RELA && sh.sh_type != SHT_REL) ||
		    !sh.sh_entsize)
			continue;
		d = elf_getdata(s, NULL);
		if (!d)
			continue;
		nrel = d->d_size / sh.sh_entsize;
		t->rela = sh.sh_type == SHT_RELA;
		for (size_t i = 0; i < nrel; i++) {
			GElf_Rela r;
			GElf_Rel rl;
			if (t->rela) {
				if (!gelf_getrela(d, (int)i, &r))
					break;
			} else {
				if (!gelf_getrel(d, (int)i, &rl))
					break;
				r.r_offset = rl.r_offset;
				r.r_info = rl.r_info;
				r.r_addend = 0;
			}
			if (r.r_offset >= t->size || r.r_offset % 4) {
				ka_diag_add(c->diags, false, c->e->path, 0,
					    "%s: relocation at offset %#" PRIx64
					    " is outside the table; ignored",
					    t->name, (uint64_t)r.r_offset);
				continue;
			}
			t->slots[r.r_offset / 4].sym =
				(uint32_t)GELF_R_SYM(r.r_info);
			t->slots[r.r_offset / 4].addend = r.r_addend;
		}
	}
}

bool ka_ksymtab_read(struct ka_xctx *c, Elf_Scn *s)
{
	GElf_Shdr sh;
	struct table t = { 0 };
	Elf_Data *d;

	if (!gelf_getshdr(s, &sh) || sh.sh_type != SHT_PROGBITS)
		return false;
	t.name = elf_strptr(c->e->elf, c->e->shstrndx, sh.sh_name);
	if (!t.name || !table_type(t.name, &t.type))
		return false;
	d = elf_getdata(s, NULL);
	if (!d || !d->d_buf || d->d_size < sh.sh_size) {
		ka_diag_add(c->diags, false, c->e->path, 0,
			    "%s: cannot read section: %s", t.name,
			    elf_errmsg(-1));
		return true;
	}
	t.raw = d->d_buf;
	t.size = sh.sh_size;
	t.per_symbol = t.name[2] == '_';
	t.addr = sh.sh_addr;
	if (c->relocatable)
		load_slots(c, elf_ndxscn(s), &t);
	if (t.size)
		read_table(c, &t);
	free(t.slots);
	return true;
}
