/*
 * Internal to the ELF opener (src/readers/elffile*.c): the output buffer
 * the decompressors share, one decoder per compression format, and the
 * validator.
 */
#pragma once

#include "ksymaudit/elffile.h"

/*
 * Decompressed output (elffile-image.c): grows in steps, gives up as soon
 * as the first bytes are not an ELF header or the image would pass max.
 */
struct ka_image {
	unsigned char *p;
	size_t n, cap, max;
	const char *format; /* "xz", … for messages */
	bool checked;
	char **why;
};
/* Room for the next decoding step; NULL when the cap is reached. */
unsigned char *ka_image_room(struct ka_image *b, size_t *room);
/* After each step: 0 to go on, or a negative errno with *why set. */
int ka_image_check(struct ka_image *b);
/* At the end of the stream: 0 when it holds an ELF header. */
int ka_image_done(struct ka_image *b);

/*
 * Decoders, one file each, built when the library is found: the whole
 * stream in (len bytes) into out. Return 0 or a negative errno with
 * *out->why set; out->p is the caller's to free either way.
 */
int ka_elf_unxz(const unsigned char *in, size_t len, struct ka_image *out);
int ka_elf_unzstd(const unsigned char *in, size_t len, struct ka_image *out);
int ka_elf_ungzip(const unsigned char *in, size_t len, struct ka_image *out);

/*
 * The identification bytes, class, byte order and e_ehsize of an image of
 * n bytes, before libelf reads it (elffile-validate.c). 0 or -ENOEXEC with
 * *why.
 */
int ka_elf_check_ident(const unsigned char *p, size_t n, char **why);
/* The ELF header and every section header of e (e->elf open): 0 or
 * -ENOEXEC with *why; sets e->ehdr, shnum and shstrndx. */
int ka_elf_validate(struct ka_elf *e, char **why);
