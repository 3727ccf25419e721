/*
 * Opening ELF inputs into libelf: plain files are mapped; xz, zstd and gzip
 * files (recognised by magic) are decompressed into memory first, by our
 * own streaming loops (elffile-xz.c, -zstd.c, -zlib.c, behind the table
 * below) rather than elfutils' dwelf_elf_begin, which inflates the whole
 * stream with no size limit before anyone looks at it; then validated
 * (elffile-validate.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "elffile-private.h"
#include "ksymaudit/input.h"

#include <elfutils/libdwelf.h>

/* Default cap on a decompressed image: no module or vmlinux is near it. */
#define DEFAULT_MAX_IMAGE ((size_t)2 << 30)

size_t ka_elf_max_image(void)
{
	const char *env = getenv("KSYMAUDIT_MAX_IMAGE_SIZE");
	char *end;
	unsigned long long v;

	if (!env || !*env)
		return DEFAULT_MAX_IMAGE;
	errno = 0;
	v = strtoull(env, &end, 10);
	if (errno || end == env)
		return DEFAULT_MAX_IMAGE;
	switch (*end) {
	case 'G': case 'g': v <<= 10; /* fall through */
	case 'M': case 'm': v <<= 10; /* fall through */
	case 'K': case 'k': v <<= 10; end++; break;
	default: break;
	}
	if (*end || v == 0 || v > SIZE_MAX / 2)
		return DEFAULT_MAX_IMAGE;
	return (size_t)v;
}

/* The decompressors, by magic: one file each (elffile-FORMAT.c), NULL when
 * this ksymaudit is built without it. */
static const struct {
	const char *name;
	unsigned char magic[6];
	size_t len;
	int (*fn)(const unsigned char *, size_t, struct ka_image *);
} formats[] = {
	{"xz", {0xfd, '7', 'z', 'X', 'Z', 0}, 6,
#if ENABLE_XZ
	 ka_elf_unxz
#else
	 NULL
#endif
	},
	{"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4,
#if ENABLE_ZSTD
	 ka_elf_unzstd
#else
	 NULL
#endif
	},
	{"gzip", {0x1f, 0x8b}, 2,
#if ENABLE_ZLIB
	 ka_elf_ungzip
#else
	 NULL
#endif
	},
};

static int open_image(struct ka_elf *out, const unsigned char *raw,
		      size_t len, size_t max, bool copy, char **why)
{
	int r;

	for (size_t i = 0; i < KA_ARRAY_SIZE(formats); i++) {
		struct ka_image b = {.max = max, .format = formats[i].name, .why = why};

		if (len < formats[i].len ||
		    memcmp(raw, formats[i].magic, formats[i].len) != 0)
			continue;
		out->compression = formats[i].name;
		if (!formats[i].fn) {
			*why = xasprintf("%s-compressed, and this ksymaudit was "
					 "built without %s support",
					 formats[i].name, formats[i].name);
			return -ENOTSUP;
		}
		r = formats[i].fn(raw, len, &b);
		if (r < 0) {
			free(b.p);
			return r;
		}
		out->image = b.p;
		out->size = b.n;
		return ka_elf_check_ident(out->image, out->size, why);
	}
	r = ka_elf_check_ident(raw, len, why);
	if (r < 0)
		return r;
	out->size = len;
	if (copy) {
		out->image = xmalloc(len);
		memcpy(out->image, raw, len);
	}
	return 0;
}

static int finish_open(struct ka_elf *out, char **why)
{
	int r;

	if (!out->elf) {
		*why = xasprintf("cannot read ELF: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	r = ka_elf_validate(out, why);
	return r;
}

int ka_elf_open_memory(const char *path, const void *buf, size_t len,
		       size_t max_image, struct ka_elf *out, char **why)
{
	int r;

	*out = (struct ka_elf){.fd = -1};
	*why = NULL;
	elf_version(EV_CURRENT);
	out->path = xstrdup(path);
	if (len == 0) {
		*why = xstrdup("empty file");
		r = -ENOEXEC;
		goto fail;
	}
	r = open_image(out, buf, len, max_image ? max_image : ka_elf_max_image(),
		       true, why);
	if (r < 0)
		goto fail;
	out->elf = elf_memory((char *)out->image, out->size);
	r = finish_open(out, why);
	if (r < 0)
		goto fail;
	return 0;
fail:
	ka_elf_close(out);
	return r;
}

int ka_elf_open(const char *path, struct ka_elf *out, char **why)
{
	struct stat st;
	unsigned char *map = MAP_FAILED;
	int fd, r;

	*out = (struct ka_elf){.fd = -1};
	*why = NULL;
	elf_version(EV_CURRENT);
	out->path = xstrdup(path);

	fd = ka_input_open(path, &st, why);
	if (fd < 0) {
		r = fd;
		goto fail;
	}
	if (st.st_size == 0) {
		*why = xstrdup("empty file");
		r = -ENOEXEC;
		goto fail;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		goto fail;
	}
	r = open_image(out, map, (size_t)st.st_size, ka_elf_max_image(), false,
		       why);
	munmap(map, (size_t)st.st_size);
	if (r < 0)
		goto fail;
	if (out->image) {
		close(fd);
		out->elf = elf_memory((char *)out->image, out->size);
	} else {
		/* Plain file: let libelf map it read-only. */
		out->fd = fd;
		out->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	}
	fd = -1;
	r = finish_open(out, why);
	if (r < 0)
		goto fail;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	ka_elf_close(out);
	return r;
}

void ka_elf_close(struct ka_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	/* A zeroed ka_elf (no path: never opened) holds no descriptor 0. */
	if (e->path && e->fd >= 0)
		close(e->fd);
	free(e->image);
	free(e->path);
	*e = (struct ka_elf){.fd = -1};
}

const char *ka_elf_section_name(struct ka_elf *e, Elf_Scn *scn)
{
	GElf_Shdr sh;
	const char *n;

	if (!gelf_getshdr(scn, &sh))
		return "";
	n = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
	return n ? n : "";
}

Elf_Scn *ka_elf_section(struct ka_elf *e, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e->elf, scn)))
		if (strcmp(ka_elf_section_name(e, scn), name) == 0)
			return scn;
	return NULL;
}

const char *ka_elf_machine_name(unsigned machine)
{
	const char *s = dwelf_elf_e_machine_string((int)machine);
	return s ? s : "unknown machine";
}
