/*
 * Export tables: __ksymtab* in the absolute and PREL32 layouts, through
 * relocations in relocatable files, ___ksymtab+sym, .export_symbol
 * (src/readers/elf-exports.c).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_exportdb db = {0};
	struct ka_diags d = {0};
	struct ka_module m = {0};
	struct ka_elf e;

	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	(void)ka_elf_exports_read(&e, "fuzz", &m, &db, &d);
	free(m.exports); /* borrowed entries: the db owns them */
	ka_exportdb_free(&db);
	ka_diags_free(&d);
	ka_elf_close(&e);
	return 0;
}
