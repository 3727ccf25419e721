/*
 * Module metadata (.modinfo): through libkmod, or straight from the ELF
 * image when libkmod cannot open the file (e.g. a gzip-compressed module and
 * a libkmod built without zlib).
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

int ka_modinfo_from_kmod(struct kmod_ctx *ctx, const char *path,
			 struct ka_module *m)
{
	struct kmod_module *mod = NULL;
	struct kmod_list *list = NULL, *l;
	int r;

	r = kmod_module_new_from_path(ctx, path, &mod);
	if (r < 0)
		return r;
	r = kmod_module_get_info(mod, &list);
	if (r < 0) {
		kmod_module_unref(mod);
		return r;
	}
	kmod_list_foreach(l, list) {
		const char *k = kmod_module_info_get_key(l);
		const char *v = kmod_module_info_get_value(l);
		if (k && v)
			ka_modinfo_set(m, k, v);
	}
	kmod_module_info_free_list(list);
	kmod_module_unref(mod);
	return 0;
}

int ka_modinfo_from_elf(struct ka_elf *e, struct ka_module *m)
{
	Elf_Scn *scn = ka_elf_section(e, ".modinfo");
	Elf_Data *d;
	const char *p, *end;

	if (!scn)
		return 0; /* no metadata at all: checks report what is missing */
	d = elf_rawdata(scn, NULL);
	if (!d || !d->d_buf)
		return -ENOEXEC;
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
