/*
 * Opening an ELF input: magic sniffing, xz/zstd/gzip decompression with its
 * size cap and early stop, the identification bytes, section header
 * validation (src/readers/elffile*.c).
 */
#include <stdlib.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ka_elf e;
	Elf_Scn *scn = NULL;

	if (fuzz_elf_open(data, size, &e) < 0)
		return 0;
	while ((scn = elf_nextscn(e.elf, scn)))
		(void)ka_elf_section_name(&e, scn);
	(void)ka_elf_section(&e, ".modinfo");
	(void)ka_elf_machine_name(e.ehdr.e_machine);
	ka_elf_close(&e);
	return 0;
}
