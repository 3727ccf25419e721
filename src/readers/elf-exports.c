/*
 * Export tables of ELF files of any class and byte order: merged and
 * per-symbol __ksymtab* sections (absolute or PREL32 entries, 2 or 3
 * fields; through relocations in relocatable files, through addresses in
 * linked ones), the __kflagstab of 7.x, and the .export_symbol entries of
 * 6.5+ objects.
 *
 * 7.x (include/linux/export-internal.h, scripts/module.lds.S,
 * kernel/module/main.c): there is no __ksymtab_gpl. modpost emits, per
 * export, a __ksymtab entry in "___ksymtab+SYM" and one flag byte in
 * "___kflagstab+SYM" (KSYM_FLAG_GPL_ONLY = bit 0); the linker merges both
 * with SORT() into __ksymtab and __kflagstab, so flag i belongs to entry i,
 * which is how the loader reads it (flagstab + (sym - start)).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"

/* One relocation that patches a 4-byte slot of a table. */
struct slot {
	uint32_t sym; /* symbol index; 0: no relocation */
	int64_t addend;
};

struct crc_ent {
	const char *name; /* after "__crc_" */
	uint32_t crc;
};

struct ctx {
	struct ka_elf *e;
	const char *owner;
	struct ka_module *m;
	struct ka_exportdb *db;
	struct ka_diags *diags;
	bool msb;
	unsigned ptrsize;
	bool relocatable;
	size_t nsec;
	/* The symbol table, when there is one. */
	Elf_Data *symdata, *xndxdata;
	size_t nsyms, symstrndx;
	/* For linked files: __ksymtab_strings by address. */
	Elf_Scn *strscn;
	GElf_Shdr strshdr;
	Elf_Data *strdata;
	struct hashmap seen; /* names exported by this file */
	struct hashmap crcs; /* name -> struct crc_ent */
	struct crc_ent *crcv;
	size_t n_crc, cap_crc;
	/* 7.x: __kflagstab (merged, by entry index) and ___kflagstab+SYM
	 * sections (per symbol, in the .mod.o / vmlinux.export.o modpost
	 * generates: by name). */
	bool have_flags;
	const unsigned char *flags;
	uint64_t n_flags;
	struct hashmap flag_by_name; /* SYM -> pointer to its flag byte */
	int count;
	/* Relocation sections by the section they apply to (built once: a
	 * vmlinux.o has a table section per export): rel_first[i] is the
	 * first one's index + 1 for section i, rel_next[r] the next's. */
	size_t *rel_first, *rel_next, rel_n;
};

/* include/linux/module_symbol.h (7.x) */
#define KSYM_FLAG_GPL_ONLY 0x01

/* A table layout: field size and number of fields per entry. */
struct layout {
	unsigned fs, nf;
	bool prel; /* linked files: fields are offsets, not pointers */
};

static uint64_t rd(const unsigned char *p, unsigned n, bool msb)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[msb ? i : n - 1 - i] << (8 * (n - 1 - i));
	return v;
}

static int64_t rd_signed(const unsigned char *p, unsigned n, bool msb)
{
	uint64_t v = rd(p, n, msb);
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

static bool get_sym(struct ctx *c, size_t idx, GElf_Sym *sym, size_t *shndx)
{
	Elf32_Word x = 0;
	if (!c->symdata || idx >= c->nsyms)
		return false;
	if (!gelf_getsymshndx(c->symdata, c->xndxdata, (int)idx, sym, &x))
		return false;
	*shndx = sym->st_shndx == SHN_XINDEX ? x : sym->st_shndx;
	return true;
}

static const char *scn_name(struct ctx *c, size_t idx)
{
	Elf_Scn *s = elf_getscn(c->e->elf, idx);
	GElf_Shdr sh;
	if (!s || !gelf_getshdr(s, &sh))
		return NULL;
	return elf_strptr(c->e->elf, c->e->shstrndx, sh.sh_name);
}

static bool is_strings_scn(struct ctx *c, size_t idx)
{
	const char *n = scn_name(c, idx);
	return n && strcmp(n, "__ksymtab_strings") == 0;
}

/*
 * A string at off in data that ends inside the section. It need not start
 * after a NUL: the linker merges the tails of __ksymtab_strings ("" and
 * "bar" may point into "foo_bar").
 */
static const char *string_at(Elf_Data *d, uint64_t off)
{
	const char *b;
	if (!d || !d->d_buf || off >= d->d_size)
		return NULL;
	b = d->d_buf;
	if (!memchr(b + off, '\0', d->d_size - off))
		return NULL;
	return b + off;
}

static bool plausible_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '.' || *s == '$' ||
		      (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/*
 * A namespace: an identifier, or "module:" and a comma-separated list of
 * module names or patterns (EXPORT_SYMBOL_FOR_MODULES, 6.17, backported to
 * 6.12.y for anon_inode_make_secure_inode: "module:kvm").
 */
static bool plausible_namespace(const char *s)
{
	if (strncmp(s, "module:", 7) != 0)
		return plausible_name(s);
	s += 7;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!(*s == ',' || *s == '-' || *s == '*' || *s == '_' ||
		      (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/* What one field refers to. */
enum target {
	T_NULL,    /* no reference */
	T_STRING,  /* a string in __ksymtab_strings (str) */
	T_OTHER,   /* something else (the exported object) */
	T_INVALID, /* out of range, a bad symbol, … */
};

/* Relocatable files: the field's relocation, else its raw bytes. */
static enum target field_rel(struct ctx *c, const unsigned char *raw,
			     const struct slot *slots, uint64_t off,
			     unsigned fs, bool rela, const char **str)
{
	const struct slot *s = &slots[off / 4];
	GElf_Sym sym;
	size_t shndx;
	int64_t addend;

	if (!s->sym)
		return rd(raw + off, fs, c->msb) ? T_INVALID : T_NULL;
	if (!get_sym(c, s->sym, &sym, &shndx))
		return T_INVALID;
	addend = rela ? s->addend : rd_signed(raw + off, fs, c->msb);
	if (!is_strings_scn(c, shndx))
		return shndx < c->nsec || shndx == SHN_ABS ||
				       shndx == SHN_COMMON
			       ? T_OTHER
			       : T_INVALID;
	{
		Elf_Scn *scn = elf_getscn(c->e->elf, shndx);
		Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
		uint64_t where = sym.st_value + (uint64_t)addend;
		*str = string_at(d, where);
	}
	return *str ? T_STRING : T_INVALID;
}

/* Linked files: pointers or self-relative offsets, resolved by address. */
static enum target field_linked(struct ctx *c, const unsigned char *raw,
				uint64_t addr, uint64_t off,
				const struct layout *l, const char **str)
{
	uint64_t v;
	if (l->prel) {
		int64_t d = rd_signed(raw + off, 4, c->msb);
		if (d == 0)
			return T_NULL;
		v = addr + off + (uint64_t)d;
	} else {
		v = rd(raw + off, l->fs, c->msb);
		if (v == 0)
			return T_NULL;
	}
	if (l->fs == 4 && c->ptrsize == 4)
		v &= 0xffffffffu;
	if (c->strdata && v >= c->strshdr.sh_addr &&
	    v - c->strshdr.sh_addr < c->strdata->d_size) {
		*str = string_at(c->strdata, v - c->strshdr.sh_addr);
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
static bool decode(struct ctx *c, const struct table *t,
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
	if (tv != T_OTHER || tn != T_STRING || !plausible_name(*name))
		return false;
	if (ts == T_NULL || (ts == T_STRING && (!**ns || plausible_namespace(*ns)))) {
		if (ts == T_NULL || !**ns)
			*ns = NULL;
		return true;
	}
	return false;
}

static void add_export(struct ctx *c, const char *name, const char *ns,
		       enum ka_export_type type)
{
	struct ka_export *x;
	struct crc_ent *crc;

	if (hashmap_get(&c->seen, name))
		return; /* 6.5–6.9 .ko: both __ksymtab and .export_symbol */
	x = xcalloc(1, sizeof(*x));
	x->name = xstrdup(name);
	x->ns = ns && *ns ? xstrdup(ns) : NULL;
	x->owner = xstrdup(c->owner);
	x->type = type;
	x->source = KA_SRC_ELF;
	x->origin = xstrdup(c->e->path);
	crc = hashmap_get(&c->crcs, name);
	if (crc) {
		x->crc = crc->crc;
		x->has_crc = true;
	}
	hashmap_put(&c->seen, x->name, x);
	ka_exportdb_add(c->db, x);
	if (c->m) {
		ARRAY_GROW(c->m->exports, c->m->n_exports, c->m->cap_exports);
		c->m->exports[c->m->n_exports++] = x;
	}
	c->count++;
}

/*
 * The type of entry i of a __ksymtab when the file has 7.x flags: bit 0 of
 * its flag byte. An entry without a flag is read as the loader would find
 * no flags at all (it refuses such a module): reported, read as plain.
 */
static enum ka_export_type flagged_type(struct ctx *c, const struct table *t,
					uint64_t i, const char *name)
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

static void read_table(struct ctx *c, const struct table *t)
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
			add_export(c, name, ns, type);
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

static void index_relocs(struct ctx *c)
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
static void load_slots(struct ctx *c, size_t scnidx, struct table *t)
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

/* .export_symbol: label, license, namespace, pointer (6.5+). */
static void read_export_symbol(struct ctx *c)
{
	for (size_t i = 1; i < c->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name, *lic, *ns, *sname;
		Elf_Scn *scn;
		GElf_Shdr sh;
		Elf_Data *d;
		uint64_t off;

		if (!get_sym(c, i, &sym, &shndx))
			break;
		name = elf_strptr(c->e->elf, c->symstrndx, sym.st_name);
		if (!name || !str_starts(name, "__export_symbol_"))
			continue;
		sname = scn_name(c, shndx);
		if (!sname || strcmp(sname, ".export_symbol") != 0)
			continue;
		scn = elf_getscn(c->e->elf, shndx);
		if (!scn || !gelf_getshdr(scn, &sh) || !(d = elf_getdata(scn, NULL)))
			continue;
		off = sym.st_value - (c->relocatable ? 0 : sh.sh_addr);
		lic = off < d->d_size ? string_at(d, off) : NULL;
		ns = lic ? string_at(d, off + strlen(lic) + 1) : NULL;
		name += strlen("__export_symbol_");
		if (!lic || !ns || !plausible_name(name)) {
			ka_diag_add(c->diags, false, c->e->path, 0,
				    ".export_symbol: entry of %s is truncated; skipped",
				    name);
			continue;
		}
		if (strcmp(lic, "GPL") != 0 && *lic) {
			ka_diag_add(c->diags, false, c->e->path, 0,
				    ".export_symbol: %s: unknown license \"%s\"; skipped",
				    name, lic);
			continue;
		}
		add_export(c, name, ns, *lic ? KA_EXPORT_GPL : KA_EXPORT_PLAIN);
	}
}

/* __crc_<sym>: absolute symbols (old kernels) or a u32 in __kcrctab*. */
static void collect_crcs(struct ctx *c, bool *have_export_symbol)
{
	for (size_t i = 1; i < c->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name;
		uint32_t crc;

		if (!get_sym(c, i, &sym, &shndx))
			break;
		name = elf_strptr(c->e->elf, c->symstrndx, sym.st_name);
		if (!name || name[0] != '_' || name[1] != '_')
			continue;
		if (str_starts(name, "__export_symbol_")) {
			*have_export_symbol = true;
			continue;
		}
		if (!str_starts(name, "__crc_"))
			continue;
		if (shndx == SHN_ABS) {
			crc = (uint32_t)sym.st_value;
		} else {
			Elf_Scn *scn = elf_getscn(c->e->elf, shndx);
			GElf_Shdr sh;
			Elf_Data *d;
			uint64_t off;
			if (!scn || !gelf_getshdr(scn, &sh) ||
			    sh.sh_type == SHT_NOBITS ||
			    !(d = elf_getdata(scn, NULL)) || !d->d_buf)
				continue;
			off = sym.st_value - (c->relocatable ? 0 : sh.sh_addr);
			if (off >= d->d_size || d->d_size - off < 4)
				continue;
			crc = (uint32_t)rd((const unsigned char *)d->d_buf + off,
					   4, c->msb);
		}
		ARRAY_GROW(c->crcv, c->n_crc, c->cap_crc);
		c->crcv[c->n_crc].name = name + strlen("__crc_");
		c->crcv[c->n_crc++].crc = crc;
	}
	for (size_t i = 0; i < c->n_crc; i++)
		hashmap_put(&c->crcs, c->crcv[i].name, &c->crcv[i]);
}

/* __kflagstab or ___kflagstab+SYM (7.x). */
static void find_flags(struct ctx *c, Elf_Scn *s, const GElf_Shdr *sh,
		       const char *name)
{
	Elf_Data *d = elf_getdata(s, NULL);

	if (!d || !d->d_buf || d->d_size < sh->sh_size) {
		ka_diag_add(c->diags, false, c->e->path, 0,
			    "%s: cannot read section: %s", name, elf_errmsg(-1));
		return;
	}
	c->have_flags = true;
	if (name[2] == '_') { /* "___kflagstab+SYM" */
		if (sh->sh_size != 1)
			ka_diag_add(c->diags, false, c->e->path, 0,
				    "%s: %" PRIu64 " bytes, expected one flag",
				    name, (uint64_t)sh->sh_size);
		if (sh->sh_size)
			hashmap_put(&c->flag_by_name, strchr(name, '+') + 1,
				    d->d_buf);
		return;
	}
	if (c->flags) {
		ka_diag_add(c->diags, false, c->e->path, 0,
			    "more than one __kflagstab; the first is used");
		return;
	}
	c->flags = d->d_buf;
	c->n_flags = sh->sh_size;
}

static void find_symtab(struct ctx *c)
{
	Elf_Scn *s = NULL;
	while ((s = elf_nextscn(c->e->elf, s))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(s, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB && sh.sh_entsize) {
			c->symdata = elf_getdata(s, NULL);
			c->nsyms = c->symdata ? c->symdata->d_size / sh.sh_entsize : 0;
			c->symstrndx = sh.sh_link;
		} else if (sh.sh_type == SHT_SYMTAB_SHNDX) {
			c->xndxdata = elf_getdata(s, NULL);
		} else if (sh.sh_type == SHT_PROGBITS) {
			const char *n = elf_strptr(c->e->elf, c->e->shstrndx,
						   sh.sh_name);
			if (n && !c->strscn &&
			    strcmp(n, "__ksymtab_strings") == 0) {
				c->strscn = s;
				c->strshdr = sh;
				c->strdata = elf_getdata(s, NULL);
			} else if (n && (strcmp(n, "__kflagstab") == 0 ||
					 str_starts(n, "___kflagstab+"))) {
				find_flags(c, s, &sh, n);
			}
		}
	}
}

int ka_elf_exports_read(struct ka_elf *e, const char *owner,
			struct ka_module *m, struct ka_exportdb *db,
			struct ka_diags *diags)
{
	struct ctx c = { .e = e, .owner = owner, .m = m, .db = db,
			 .diags = diags };
	bool have_export_symbol = false;
	Elf_Scn *s = NULL;

	if (!e || !e->elf || !owner || !db || !diags)
		return -EINVAL;
	if (elf_getshdrnum(e->elf, &c.nsec) != 0) {
		ka_diag_add(diags, true, e->path, 0,
			    "cannot read section headers: %s", elf_errmsg(-1));
		return -EINVAL;
	}
	c.msb = e->ehdr.e_ident[EI_DATA] == ELFDATA2MSB;
	c.ptrsize = e->ehdr.e_ident[EI_CLASS] == ELFCLASS64 ? 8 : 4;
	c.relocatable = e->ehdr.e_type == ET_REL;
	find_symtab(&c);
	collect_crcs(&c, &have_export_symbol);

	while ((s = elf_nextscn(e->elf, s))) {
		GElf_Shdr sh;
		struct table t = { 0 };
		Elf_Data *d;

		if (!gelf_getshdr(s, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		t.name = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
		if (!t.name || !table_type(t.name, &t.type))
			continue;
		d = elf_getdata(s, NULL);
		if (!d || !d->d_buf || d->d_size < sh.sh_size) {
			ka_diag_add(diags, false, e->path, 0,
				    "%s: cannot read section: %s", t.name,
				    elf_errmsg(-1));
			continue;
		}
		t.raw = d->d_buf;
		t.size = sh.sh_size;
		t.per_symbol = t.name[2] == '_';
		t.addr = sh.sh_addr;
		if (c.relocatable)
			load_slots(&c, elf_ndxscn(s), &t);
		if (t.size)
			read_table(&c, &t);
		free(t.slots);
	}
	if (have_export_symbol)
		read_export_symbol(&c);

	hashmap_free(&c.seen);
	hashmap_free(&c.crcs);
	hashmap_free(&c.flag_by_name);
	free(c.crcv);
	free(c.rel_first);
	free(c.rel_next);
	return c.count;
}
