/*
 * What a module uses: undefined symbols as modpost filters them
 * (imports.c), references from relocations of every kind (relocs.c), and
 * the symbol index that names the function holding a site (symindex.c),
 * and the names handed to symbol_get() (readers/symget-refs.c).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/module.h"
#include "ksymaudit/refs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_module m = {0};
	struct ka_refs refs = {0};
	struct ka_symindex ix = {0};
	struct ka_diags d = {0};
	struct ka_elf e;

	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	(void)ka_imports_read(&e, &m);
	(void)ka_symbol_gets_read(&e, &m, &d);
	(void)ka_refs_collect(&e, NULL, NULL, &refs, &d);
	if (ka_symindex_build(&e, &ix) >= 0)
		for (size_t i = 0; i < refs.n; i++)
			(void)ka_symindex_lookup(&ix, refs.v[i].scn,
						 refs.v[i].offset);
	ka_symindex_free(&ix);
	ka_refs_free(&refs);
	ka_diags_free(&d);
	ka_module_free(&m);
	ka_elf_close(&e);
	return 0;
}
