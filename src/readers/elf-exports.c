/*
 * Export tables of ELF files of any class and byte order: the file's
 * symbol table and CRCs, the __ksymtab* sections (decoded in
 * elf-ksymtab.c), the __kflagstab of 7.x, and the .export_symbol entries
 * of 6.5+ objects.
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

#include "elf-exports.h"

bool ka_x_get_sym(struct ka_xctx *c, size_t idx, GElf_Sym *sym,
		  size_t *shndx)
{
	Elf32_Word x = 0;
	if (!c->symdata || idx >= c->nsyms)
		return false;
	if (!gelf_getsymshndx(c->symdata, c->xndxdata, (int)idx, sym, &x))
		return false;
	*shndx = sym->st_shndx == SHN_XINDEX ? x : sym->st_shndx;
	return true;
}

const char *ka_x_scn_name(struct ka_xctx *c, size_t idx)
{
	Elf_Scn *s = elf_getscn(c->e->elf, idx);
	GElf_Shdr sh;
	if (!s || !gelf_getshdr(s, &sh))
		return NULL;
	return elf_strptr(c->e->elf, c->e->shstrndx, sh.sh_name);
}

const char *ka_x_string_at(Elf_Data *d, uint64_t off)
{
	const char *b;
	if (!d || !d->d_buf || off >= d->d_size)
		return NULL;
	b = d->d_buf;
	if (!memchr(b + off, '\0', d->d_size - off))
		return NULL;
	return b + off;
}

bool ka_x_plausible_name(const char *s)
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

bool ka_x_plausible_namespace(const char *s)
{
	if (strncmp(s, "module:", 7) != 0)
		return ka_x_plausible_name(s);
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

void ka_x_add_export(struct ka_xctx *c, const char *name, const char *ns,
		     enum ka_export_type type)
{
	struct ka_export *x;
	struct ka_xcrc *crc;

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

/* .export_symbol: label, license, namespace, pointer (6.5+). */
static void read_export_symbol(struct ka_xctx *c)
{
	for (size_t i = 1; i < c->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name, *lic, *ns, *sname;
		Elf_Scn *scn;
		GElf_Shdr sh;
		Elf_Data *d;
		uint64_t off;

		if (!ka_x_get_sym(c, i, &sym, &shndx))
			break;
		name = elf_strptr(c->e->elf, c->symstrndx, sym.st_name);
		if (!name || !str_starts(name, "__export_symbol_"))
			continue;
		sname = ka_x_scn_name(c, shndx);
		if (!sname || strcmp(sname, ".export_symbol") != 0)
			continue;
		scn = elf_getscn(c->e->elf, shndx);
		if (!scn || !gelf_getshdr(scn, &sh) || !(d = elf_getdata(scn, NULL)))
			continue;
		off = sym.st_value - (c->relocatable ? 0 : sh.sh_addr);
		lic = off < d->d_size ? ka_x_string_at(d, off) : NULL;
		ns = lic ? ka_x_string_at(d, off + strlen(lic) + 1) : NULL;
		name += strlen("__export_symbol_");
		if (!lic || !ns || !ka_x_plausible_name(name)) {
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
		ka_x_add_export(c, name, ns, *lic ? KA_EXPORT_GPL : KA_EXPORT_PLAIN);
	}
}

/* __crc_<sym>: absolute symbols (old kernels) or a u32 in __kcrctab*. */
static void collect_crcs(struct ka_xctx *c, bool *have_export_symbol)
{
	for (size_t i = 1; i < c->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name;
		uint32_t crc;

		if (!ka_x_get_sym(c, i, &sym, &shndx))
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
			crc = (uint32_t)ka_x_rd((const unsigned char *)d->d_buf + off,
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
static void find_flags(struct ka_xctx *c, Elf_Scn *s, const GElf_Shdr *sh,
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

static void find_symtab(struct ka_xctx *c)
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
	struct ka_xctx c = { .e = e, .owner = owner, .m = m, .db = db,
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
	while ((s = elf_nextscn(e->elf, s)))
		ka_ksymtab_read(&c, s);
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
