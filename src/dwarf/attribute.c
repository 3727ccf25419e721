/* A code address to its function, source line and inline chain, from DWARF. */
#include <dwarf.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>

#include "dbg.h"

static const char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute a;
	const char *n = NULL;
	if (dwarf_attr_integrate(die, DW_AT_name, &a))
		n = dwarf_formstring(&a);
	if (!n && dwarf_attr_integrate(die, DW_AT_linkage_name, &a))
		n = dwarf_formstring(&a);
	return n ? n : "?";
}

struct cuinfo {
	Dwarf_Files *files;
	size_t nfiles;
	const char *comp_dir;
	char *module_dir;
};

static char *nice(const struct cuinfo *ci, const char *path)
{
	return path ? ka_explain_path(path, ci->comp_dir, ci->module_dir)
		    : NULL;
}

static void push_inline(struct ka_site *s, const struct cuinfo *ci,
			Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Word idx = 0, cl = 0;
	int decl_line = 0;
	const char *call_file = NULL;

	if (dwarf_attr(die, DW_AT_call_file, &a) &&
	    dwarf_formudata(&a, &idx) == 0 && ci->files)
		call_file = dwarf_filesrc(ci->files, idx, NULL, NULL);
	if (dwarf_attr(die, DW_AT_call_line, &a))
		dwarf_formudata(&a, &cl);
	dwarf_decl_line(die, &decl_line);
	char *df = nice(ci, dwarf_decl_file(die));
	char *cf = nice(ci, call_file);
	ka_inline_chain_push(s, die_name(die), df, (unsigned)decl_line, cf,
			     (unsigned)cl);
	free(df);
	free(cf);
}

/*
 * The concrete scopes containing pc, outermost first: the function, then
 * lexical blocks and inlined subroutines as nested in the CU. (libdw's
 * dwarf_getscopes continues into the abstract origin of an inlined
 * function instead of its caller.) Returns the count; *out is owned.
 */
static int concrete_scopes(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die **out)
{
	Dwarf_Die die = *cu, child;
	size_t n = 0, cap = 0;
	*out = NULL;
	for (;;) {
		bool found = false;
		if (dwarf_child(&die, &child) != 0)
			break;
		do {
			int tag = dwarf_tag(&child);
			if (tag != DW_TAG_subprogram &&
			    tag != DW_TAG_inlined_subroutine &&
			    tag != DW_TAG_lexical_block)
				continue;
			if (dwarf_haspc(&child, pc) != 1)
				continue;
			ARRAY_GROW(*out, n, cap);
			(*out)[n++] = child;
			die = child;
			found = true;
			break;
		} while (dwarf_siblingof(&child, &child) == 0);
		if (!found)
			break;
	}
	return (int)n;
}

/* Address libdwfl gives (scn, offset) of the main file. */
static bool site_address(struct ka_dbg *d, size_t scn, uint64_t offset,
			 Dwarf_Addr *addr)
{
	GElf_Shdr sh;
	Elf_Scn *s = scn < d->nscn ? elf_getscn(d->elf, scn) : NULL;
	if (!s || !gelf_getshdr(s, &sh))
		return false;
	*addr = sh.sh_addr + offset + d->elf_bias;
	return true;
}

int ka_dbg_attribute(struct ka_dbg *d, size_t scn, uint64_t offset,
		     struct ka_site *s)
{
	Dwarf_Addr addr, cubias;
	Dwarf_Die *cu, *scopes = NULL;
	struct cuinfo ci = { 0 };
	Dwarf_Attribute a;
	int n;

	if (!site_address(d, scn, offset, &addr))
		return -ENOENT;
	cu = dwfl_module_addrdie(d->mod, addr, &cubias);
	if (!cu)
		return -ENOENT;
	if (dwarf_attr(cu, DW_AT_comp_dir, &a))
		ci.comp_dir = dwarf_formstring(&a);
	if (dwarf_getsrcfiles(cu, &ci.files, &ci.nfiles) != 0)
		ci.files = NULL;
	char *rp = xstrdup(d->real_path);
	ci.module_dir = xstrdup(dirname(rp));
	free(rp);

	n = concrete_scopes(cu, addr - cubias, &scopes);
	for (int i = n - 1; i >= 0; i--) {
		int tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_inlined_subroutine) {
			push_inline(s, &ci, &scopes[i]);
		} else if (tag == DW_TAG_subprogram) {
			free(s->function);
			s->function = xstrdup(die_name(&scopes[i]));
			break;
		}
	}
	free(scopes);

	Dwfl_Line *line = dwfl_module_getsrc(d->mod, addr);
	int lineno = 0;
	const char *file =
		line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL)
		     : NULL;
	if (file) {
		free(s->file);
		s->file = nice(&ci, file);
		s->line = (unsigned)lineno;
	}
	s->has_debuginfo = true;
	free(ci.module_dir);
	return 0;
}
