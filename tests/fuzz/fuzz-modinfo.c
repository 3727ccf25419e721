/* .modinfo key=value strings (src/readers/modinfo.c). */
#include <stdlib.h>

#include "fuzz.h"
#include "ksymaudit/module.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_module m = {0};
	struct ka_elf e;

	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	(void)ka_modinfo_from_elf(&e, &m);
	ka_module_free(&m);
	ka_elf_close(&e);
	return 0;
}
