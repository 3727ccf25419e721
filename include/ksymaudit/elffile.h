/*
 * Opening ELF inputs: plain, or compressed with xz, zstd or gzip (detected
 * by magic, not by name), opened through ka_input_open (input.h) and
 * validated before any other reader sees them.
 */
#pragma once

#include <gelf.h>
#include <libelf.h>

#include "ksymaudit/common.h"
#include "ksymaudit/input.h" /* the ELF opener is built on it */

struct ka_elf {
	char *path;    /* as given */
	Elf *elf;
	void *image;   /* decompressed or copied image (owned), or NULL */
	size_t size;
	int fd;        /* -1 when the image is in memory */
	const char *compression; /* "xz", "zstd", "gzip" or NULL */
	GElf_Ehdr ehdr;
	size_t shnum;    /* section count (extended numbering resolved) */
	size_t shstrndx;
};

/*
 * Default limit on the size of a decompressed image: 2 GiB, or
 * $KSYMAUDIT_MAX_IMAGE_SIZE (bytes, with an optional K, M or G suffix).
 * Compressed data that inflates past it is refused ("inflates past …").
 */
size_t ka_elf_max_image(void);

/*
 * Opens path. The ELF header and every section header are validated before
 * returning (section contents inside the file, a section-name table, symbol
 * and relocation tables with the entry size of their class and links to
 * sections that exist), so later readers may trust them. Compressed data is
 * inflated at most up to ka_elf_max_image() bytes and abandoned as soon as
 * its first bytes are not an ELF header. On failure returns a negative
 * errno and puts a message naming the problem in *why (owned by the caller).
 */
int ka_elf_open(const char *path, struct ka_elf *out, char **why) KA_WUR;
/*
 * The same for an image in memory (copied; buf may be freed afterwards);
 * path is only used in messages. max_image 0 means ka_elf_max_image().
 */
int ka_elf_open_memory(const char *path, const void *buf, size_t len,
		       size_t max_image, struct ka_elf *out, char **why) KA_WUR;
/* NULL, a zeroed ka_elf or one a failed open left: nothing to release;
 * leaves *e as a failed open does (fd -1), so closing twice is harmless. */
void ka_elf_close(struct ka_elf *e);

/* Section by name, or NULL. */
Elf_Scn *ka_elf_section(struct ka_elf *e, const char *name);
const char *ka_elf_section_name(struct ka_elf *e, Elf_Scn *scn);
/*
 * Machine name for messages, from elfutils (dwelf_elf_e_machine_string):
 * "AMD x86-64", "PowerPC64", … or "unknown machine".
 */
const char *ka_elf_machine_name(unsigned machine);
