/*
 * Shared by the libFuzzer targets: each reads one input the way ksymaudit
 * reads that kind of file, from memory, and frees everything it made (leaks
 * are reported by ASan like crashes).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "ksymaudit/elffile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Decompressed images are capped lower than ksymaudit's default so that a
 * valid compressed header cannot make one run take seconds; the cap itself
 * is what is being tested.
 */
#define FUZZ_MAX_IMAGE ((size_t)32 << 20)

/* Opens data as an ELF input named "fuzz.ko"; 0 or a negative errno. */
static inline int fuzz_elf_open(const uint8_t *data, size_t size,
				struct ka_elf *e)
{
	char *why = NULL;
	int r = ka_elf_open_memory("fuzz.ko", data, size, FUZZ_MAX_IMAGE, e,
				   &why);
	free(why);
	return r;
}
