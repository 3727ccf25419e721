/*
 * References of a linked image without relocations for its code, decoded
 * from its code and its __jump_table, .static_call_sites and
 * .altinstructions entries (src/readers/decode*.c), through the reader's
 * own entry point (ka_refs_collect) and forced (ka_refs_decode).
 */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/refs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_elf e;
	struct ka_refs r = { 0 };
	struct ka_diags d = { 0 };

	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	(void)ka_refs_collect(&e, NULL, NULL, &r, &d);
	ka_refs_free(&r);
	(void)ka_refs_decode(&e, NULL, NULL, &r, &d);
	ka_refs_free(&r);
	ka_diags_free(&d);
	ka_elf_close(&e);
	return 0;
}
