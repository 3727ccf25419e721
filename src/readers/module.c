/* Loading one module file: ELF identity, modinfo, imports and exports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"

static const char *const suffixes[] = {".ko.xz", ".ko.zst", ".ko.gz", ".ko",
				       ".o"};

bool ka_module_file_name(const char *name)
{
	for (size_t i = 0; i + 1 < KA_ARRAY_SIZE(suffixes); i++)
		if (str_ends(name, suffixes[i]))
			return true;
	return false;
}

char *ka_module_basename(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;

	name = xstrdup(base ? base + 1 : path);
	for (size_t i = 0; i < KA_ARRAY_SIZE(suffixes); i++) {
		if (str_ends(name, suffixes[i])) {
			name[strlen(name) - strlen(suffixes[i])] = '\0';
			break;
		}
	}
	return name;
}

char *ka_module_name_from_path(const char *path)
{
	char *name = ka_module_basename(path);

	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

int ka_module_load(const char *path, struct ka_exportdb *db,
		   struct ka_diags *diags, struct ka_module *m)
{
	struct ka_elf e;
	char *why = NULL;
	int r;

	*m = (struct ka_module){0};
	r = ka_elf_open(path, &e, &why);
	if (r < 0) {
		ka_diag_add(diags, true, path, 0, "%s", why);
		free(why);
		return r;
	}
	if (e.ehdr.e_type != ET_REL) {
		ka_diag_add(diags, true, path, 0,
			    "not a kernel module: ELF type %u is not relocatable",
			    e.ehdr.e_type);
		ka_elf_close(&e);
		return -ENOEXEC;
	}

	m->path = xstrdup(path);
	m->is_object = str_ends(path, ".o");
	m->machine = e.ehdr.e_machine;
	m->elfclass = e.ehdr.e_ident[EI_CLASS];
	m->byteorder = e.ehdr.e_ident[EI_DATA];

	r = ka_modinfo_from_elf(&e, m);
	if (r < 0) {
		ka_diag_add(diags, true, path, 0, "cannot read .modinfo: %s",
			    elf_errmsg(-1));
		goto fail;
	}
	if (!m->name)
		m->name = ka_module_name_from_path(path);

	/* A module .o may lack both (no MODULE_* macro); modpost reads it. */
	if (!m->is_object && !ka_elf_section(&e, ".modinfo") &&
	    !ka_elf_section(&e, ".gnu.linkonce.this_module")) {
		ka_diag_add(diags, true, path, 0,
			    "not a kernel module: no .modinfo or .gnu.linkonce.this_module section");
		r = -ENOEXEC;
		goto fail;
	}

	r = ka_imports_read(&e, m);
	if (r < 0) {
		ka_diag_add(diags, true, path, 0, "%s",
			    r == -ENOENT ? "no symbol table (stripped of symbols?)"
					 : "unreadable symbol table");
		goto fail;
	}
	r = ka_elf_exports_read(&e, m->name, m, db, diags);
	if (r < 0)
		goto fail;
	if (ka_symbol_gets_read(&e, m, diags) < 0)
		ka_diag_add(diags, false, path, 0,
			    "cannot read the names it hands to symbol_get()");
	ka_elf_close(&e);
	return 0;

fail:
	ka_elf_close(&e);
	ka_module_free(m);
	return r;
}

void ka_module_free(struct ka_module *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->name);
	strvec_free(&m->licenses);
	strvec_free(&m->import_ns);
	strvec_free(&m->depends);
	free(m->vermagic);
	for (size_t i = 0; i < m->n_imports; i++)
		free(m->imports[i].name);
	free(m->imports);
	free(m->exports);
	strvec_free(&m->symbol_gets);
	*m = (struct ka_module){0};
}

const char *ka_module_display_name(const struct ka_module *m, char *buf,
				   size_t len)
{
	snprintf(buf, len, "%s.ko", m->name);
	return buf;
}

const char *ka_module_modpost_name(const struct ka_module *m, char *buf,
				   size_t len)
{
	char *base = ka_module_basename(m->path ? m->path : m->name);
	snprintf(buf, len, "%s.ko", base);
	free(base);
	return buf;
}
