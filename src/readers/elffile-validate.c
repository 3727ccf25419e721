/*
 * The ELF validator: the identification bytes before libelf sees an image,
 * then the ELF header and every section header, so later readers may
 * trust offsets, sizes, entry sizes and links.
 */
#include <errno.h>

#include "elffile-private.h"

static uint16_t get16(const unsigned char *p, bool msb)
{
	return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/*
 * The identification bytes, read before libelf: a corrupt class or byte
 * order byte makes every later field wrong, and libelf then reports the
 * consequence ("truncated", "invalid section index"), not the cause.
 */
int ka_elf_check_ident(const unsigned char *p, size_t n, char **why)
{
	/* e_ehsize: offset 40 in Elf32_Ehdr, 52 in Elf64_Ehdr. */
	static const size_t ehsize_off[3] = {0, 40, 52};
	static const uint16_t ehsize[3] = {0, sizeof(Elf32_Ehdr),
					   sizeof(Elf64_Ehdr)};
	unsigned cls, data, other;
	bool msb;

	if (n < SELFMAG || memcmp(p, ELFMAG, SELFMAG) != 0) {
		*why = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	if (n < EI_NIDENT) {
		*why = xasprintf("truncated ELF file: %zu bytes, not even an ELF "
				 "identification", n);
		return -ENOEXEC;
	}
	cls = p[EI_CLASS];
	data = p[EI_DATA];
	if (cls != ELFCLASS32 && cls != ELFCLASS64) {
		*why = xasprintf("bad ELF header: class byte (EI_CLASS) is %u, "
				 "neither 1 (32-bit) nor 2 (64-bit)", cls);
		return -ENOEXEC;
	}
	if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
		*why = xasprintf("bad ELF header: byte-order byte (EI_DATA) is %u, "
				 "neither 1 (little-endian) nor 2 (big-endian)",
				 data);
		return -ENOEXEC;
	}
	if (p[EI_VERSION] != EV_CURRENT) {
		*why = xasprintf("bad ELF header: version byte (EI_VERSION) is %u, "
				 "not 1", p[EI_VERSION]);
		return -ENOEXEC;
	}
	if (n < ehsize[cls]) {
		*why = xasprintf("truncated ELF file: %zu bytes, shorter than the "
				 "%u-byte ELF header", n, ehsize[cls]);
		return -ENOEXEC;
	}
	msb = data == ELFDATA2MSB;
	other = cls == ELFCLASS32 ? ELFCLASS64 : ELFCLASS32;
	if (get16(p + ehsize_off[cls], msb) == ehsize[cls])
		return 0;
	if (get16(p + ehsize_off[cls], !msb) == ehsize[cls]) {
		*why = xasprintf("bad ELF header: the byte-order byte (EI_DATA) "
				 "says %s-endian but the header reads as %s-endian",
				 msb ? "big" : "little", msb ? "little" : "big");
		return -ENOEXEC;
	}
	if (n >= ehsize[other] &&
	    (get16(p + ehsize_off[other], msb) == ehsize[other] ||
	     get16(p + ehsize_off[other], !msb) == ehsize[other])) {
		*why = xasprintf("bad ELF header: the class byte (EI_CLASS) says "
				 "%d-bit but the header is laid out as %d-bit",
				 cls == ELFCLASS32 ? 32 : 64,
				 cls == ELFCLASS32 ? 64 : 32);
		return -ENOEXEC;
	}
	*why = xasprintf("bad ELF header: e_ehsize is %u, not %u",
			 get16(p + ehsize_off[cls], msb), ehsize[cls]);
	return -ENOEXEC;
}

static const char *table_kind(unsigned type)
{
	switch (type) {
	case SHT_SYMTAB: case SHT_DYNSYM: return "symbol table";
	case SHT_REL: case SHT_RELA: return "relocation table";
	default: return "table";
	}
}

/* Entry size a section of this type must have, 0 when not checked. */
static size_t entsize_of(Elf *elf, unsigned type)
{
	switch (type) {
	case SHT_SYMTAB: case SHT_DYNSYM: return gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	case SHT_REL: return gelf_fsize(elf, ELF_T_REL, 1, EV_CURRENT);
	case SHT_RELA: return gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
	default: return 0;
	}
}

/* One section header: contents inside the file, tables well formed. */
static int check_section(struct ka_elf *e, Elf_Scn *scn, char **why)
{
	GElf_Shdr sh, link;
	size_t i = elf_ndxscn(scn), want;
	const char *name;

	if (!gelf_getshdr(scn, &sh)) {
		*why = xasprintf("bad section header %zu: %s", i, elf_errmsg(-1));
		return -ENOEXEC;
	}
	name = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
	if (!name) {
		*why = xasprintf("section %zu: name offset %u is outside the "
				 "section-name table", i, sh.sh_name);
		return -ENOEXEC;
	}
	if (sh.sh_type != SHT_NOBITS &&
	    (sh.sh_offset > e->size || sh.sh_size > e->size - sh.sh_offset)) {
		*why = xasprintf("truncated ELF file: section %zu (%s) ends past "
				 "its %zu bytes", i, name, e->size);
		return -ENOEXEC;
	}
	want = entsize_of(e->elf, sh.sh_type);
	if (!want)
		return 0;
	if (sh.sh_entsize != want) {
		*why = xasprintf("section %zu (%s): entry size (sh_entsize) %llu, "
				 "a %s of this class has %zu", i, name,
				 (unsigned long long)sh.sh_entsize,
				 table_kind(sh.sh_type), want);
		return -ENOEXEC;
	}
	if (sh.sh_size % want) {
		*why = xasprintf("section %zu (%s): size %llu is not a whole "
				 "number of %zu-byte entries", i, name,
				 (unsigned long long)sh.sh_size, want);
		return -ENOEXEC;
	}
	if (sh.sh_link == 0 || sh.sh_link >= e->shnum) {
		*why = xasprintf("section %zu (%s): link (sh_link) %u is not a "
				 "section of this file", i, name, sh.sh_link);
		return -ENOEXEC;
	}
	if (!gelf_getshdr(elf_getscn(e->elf, sh.sh_link), &link)) {
		*why = xasprintf("section %zu (%s): bad linked section %u",
				 i, name, sh.sh_link);
		return -ENOEXEC;
	}
	if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
		if (link.sh_type != SHT_STRTAB) {
			*why = xasprintf("section %zu (%s): its string table "
					 "(sh_link %u) is not a string table",
					 i, name, sh.sh_link);
			return -ENOEXEC;
		}
	} else if (link.sh_type != SHT_SYMTAB && link.sh_type != SHT_DYNSYM) {
		*why = xasprintf("section %zu (%s): relocations refer to section "
				 "%u, which is not a symbol table", i, name,
				 sh.sh_link);
		return -ENOEXEC;
	} else if (sh.sh_info >= e->shnum) {
		*why = xasprintf("section %zu (%s): relocates section %u "
				 "(sh_info), which does not exist", i, name,
				 sh.sh_info);
		return -ENOEXEC;
	}
	return 0;
}

int ka_elf_validate(struct ka_elf *e, char **why)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr strsh;
	size_t shentsize;

	if (elf_kind(e->elf) != ELF_K_ELF) {
		*why = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	if (!gelf_getehdr(e->elf, &e->ehdr)) {
		*why = xasprintf("bad ELF header: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	shentsize = e->ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Shdr)
							     : sizeof(Elf64_Shdr);
	if (e->ehdr.e_shoff == 0 || e->ehdr.e_shentsize != shentsize) {
		*why = e->ehdr.e_shoff == 0
			       ? xstrdup("no section headers (e_shoff is 0)")
			       : xasprintf("bad ELF header: section header size "
					   "(e_shentsize) %u, expected %zu",
					   e->ehdr.e_shentsize, shentsize);
		return -ENOEXEC;
	}
	if (e->ehdr.e_shoff > e->size ||
	    (uint64_t)e->ehdr.e_shnum * e->ehdr.e_shentsize >
		    e->size - e->ehdr.e_shoff) {
		*why = xasprintf("truncated ELF file: section headers end past "
				 "its %zu bytes", e->size);
		return -ENOEXEC;
	}
	if (elf_getshdrnum(e->elf, &e->shnum) < 0 ||
	    elf_getshdrstrndx(e->elf, &e->shstrndx) < 0) {
		*why = xasprintf("bad section headers: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	if (e->shnum == 0) {
		*why = xstrdup("no section headers (e_shnum is 0)");
		return -ENOEXEC;
	}
	if (e->shnum > (e->size - e->ehdr.e_shoff) / shentsize) {
		*why = xasprintf("truncated ELF file: %zu section headers do not "
				 "fit in its %zu bytes", e->shnum, e->size);
		return -ENOEXEC;
	}
	if (e->shstrndx == SHN_UNDEF || e->shstrndx >= e->shnum ||
	    !gelf_getshdr(elf_getscn(e->elf, e->shstrndx), &strsh) ||
	    strsh.sh_type != SHT_STRTAB) {
		*why = xasprintf("bad ELF header: the section-name table "
				 "(e_shstrndx %zu) is not a string table among "
				 "its %zu sections", e->shstrndx, e->shnum);
		return -ENOEXEC;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		int r = check_section(e, scn, why);
		if (r < 0)
			return r;
	}
	return 0;
}
