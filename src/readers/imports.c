/* The undefined symbols a module references, filtered as modpost does. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/module.h"

#ifndef STT_SPARC_REGISTER
#define STT_SPARC_REGISTER 13
#endif

/* modpost's ignore_undef_symbol(): resolved at the final link of the .ko. */
static bool ignored(unsigned machine, const char *name)
{
	static const char *const ppc32[] = {"_restgpr_", "_savegpr_",
					    "_rest32gpr_", "_save32gpr_",
					    "_restvr_", "_savevr_"};
	static const char *const ppc64[] = {"_restgpr0_", "_savegpr0_",
					    "_restvr_", "_savevr_"};

	if (!strcmp(name, "__this_module") ||
	    !strcmp(name, "_GLOBAL_OFFSET_TABLE_"))
		return true;
	if (machine == EM_PPC)
		for (size_t i = 0; i < KA_ARRAY_SIZE(ppc32); i++)
			if (str_starts(name, ppc32[i]))
				return true;
	if (machine == EM_PPC64) {
		for (size_t i = 0; i < KA_ARRAY_SIZE(ppc64); i++)
			if (str_starts(name, ppc64[i]))
				return true;
		if (!strcmp(name, ".TOC."))
			return true;
	}
	if (machine == EM_S390 && str_starts(name, "__s390_indirect_jump_r"))
		return true;
	return false;
}

int ka_imports_read(struct ka_elf *e, struct ka_module *m)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;
		size_t n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data || !sh.sh_entsize)
			return -ENOEXEC;
		n = data->d_size / sh.sh_entsize;
		for (size_t i = 1; i < n; i++) {
			GElf_Sym sym;
			const char *name;
			unsigned bind;
			struct ka_import *imp;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    sym.st_shndx != SHN_UNDEF)
				continue;
			bind = GELF_ST_BIND(sym.st_info);
			if (bind != STB_GLOBAL && bind != STB_WEAK)
				continue;
			name = elf_strptr(e->elf, sh.sh_link, sym.st_name);
			if (!name || !*name || ignored(e->ehdr.e_machine, name))
				continue;
			if ((e->ehdr.e_machine == EM_SPARC ||
			     e->ehdr.e_machine == EM_SPARCV9) &&
			    GELF_ST_TYPE(sym.st_info) == STT_SPARC_REGISTER)
				continue;
			ARRAY_GROW(m->imports, m->n_imports, m->cap_imports);
			imp = &m->imports[m->n_imports++];
			imp->name = xstrdup(name);
			imp->weak = bind == STB_WEAK;
			if ((e->ehdr.e_machine == EM_SPARC ||
			     e->ehdr.e_machine == EM_SPARCV9) &&
			    name[0] == '.') {
				imp->name[0] = '_';
				imp->name[1] = (char)toupper((unsigned char)imp->name[1]);
			}
		}
		return 0; /* one symbol table per file */
	}
	return -ENOENT;
}
