/*
 * Module metadata (.modinfo), read from the ELF image that elffile.c has
 * already opened, decompressed and validated. Not through libkmod: it would
 * open and decompress the file a second time, and it is not hardened
 * against hostile files (kmod 30 asserts on a bad e_shnum/e_shstrndx and
 * aborts the whole process). libkmod is for lookups in /lib/modules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"

void ka_modinfo_set(struct ka_module *m, const char *key, const char *value)
{
	if (!strcmp(key, "license")) {
		strvec_push(&m->licenses, value);
	} else if (!strcmp(key, "import_ns")) {
		strvec_push(&m->import_ns, value);
	} else if (!strcmp(key, "depends")) {
		const char *p = value;
		while (*p) {
			size_t l = strcspn(p, ",");
			if (l)
				strvec_push_owned(&m->depends, xstrndup(p, l));
			p += l;
			if (*p == ',')
				p++;
		}
	} else if (!strcmp(key, "name")) {
		free(m->name);
		m->name = xstrdup(value);
	} else if (!strcmp(key, "vermagic")) {
		free(m->vermagic);
		m->vermagic = xstrdup(value);
	}
}

int ka_modinfo_from_elf(struct ka_elf *e, struct ka_module *m)
{
	Elf_Scn *scn = ka_elf_section(e, ".modinfo");
	Elf_Data *d;
	const char *p, *end;

	if (!scn)
		return 0; /* no metadata at all: checks report what is missing */
	d = elf_rawdata(scn, NULL);
	if (!d)
		return -ENOEXEC;
	if (!d->d_buf || !d->d_size)
		return 0; /* empty, or SHT_NOBITS: no entries */
	p = d->d_buf;
	end = p + d->d_size;
	while (p < end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		size_t l = nul ? (size_t)(nul - p) : (size_t)(end - p);
		const char *eq = memchr(p, '=', l);

		if (eq) {
			char *key = xstrndup(p, (size_t)(eq - p));
			char *val = xstrndup(eq + 1, l - (size_t)(eq - p) - 1);
			ka_modinfo_set(m, key, val);
			free(key);
			free(val);
		}
		p += l + 1;
	}
	return 0;
}
