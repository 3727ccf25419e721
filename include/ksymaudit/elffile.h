/*
 * Opening ELF inputs: plain, or compressed with xz, zstd or gzip (detected by
 * magic, not by name), into a libelf handle.
 */
#pragma once

#include <gelf.h>
#include <libelf.h>

#include "ksymaudit/common.h"

struct ka_elf {
	char *path;    /* as given */
	Elf *elf;
	void *image;   /* decompressed image (owned), or NULL when mapped */
	size_t size;
	int fd;        /* -1 when the image is in memory */
	const char *compression; /* "xz", "zstd", "gzip" or NULL */
	GElf_Ehdr ehdr;
	size_t shstrndx;
};

/*
 * Opens path. On failure returns a negative errno and puts a message naming
 * the problem (truncated, not ELF, bad compressed data, …) in *why (owned by
 * the caller).
 */
int ka_elf_open(const char *path, struct ka_elf *out, char **why) KA_WUR;
void ka_elf_close(struct ka_elf *e);

/* Section by name, or NULL. */
Elf_Scn *ka_elf_section(struct ka_elf *e, const char *name);
const char *ka_elf_section_name(struct ka_elf *e, Elf_Scn *scn);
/* Machine name for messages: "x86_64", "aarch64", "ppc64", … */
const char *ka_elf_machine_name(unsigned machine);
