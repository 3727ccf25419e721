/*
 * Opening ELF inputs into libelf: plain files are mapped; xz, zstd and gzip
 * files (recognised by magic) are decompressed into memory first, by our
 * own streaming loops rather than elfutils' dwelf_elf_begin, which inflates
 * the whole stream with no size limit before anyone looks at it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/elffile.h"
#include "ksymaudit/input.h"

#if ENABLE_XZ
#include <lzma.h>
#endif
#if ENABLE_ZSTD
#include <zstd.h>
#endif
#if ENABLE_ZLIB
#include <zlib.h>
#endif

#include <elfutils/libdwelf.h>

/* Default cap on a decompressed image: no module or vmlinux is near it. */
#define DEFAULT_MAX_IMAGE ((size_t)2 << 30)
/* xz: refuse streams whose dictionary needs more (xz -9 needs 65 MiB). */
#define XZ_MEMLIMIT ((uint64_t)128 << 20)
/* Output of the first decoding step: enough to see the ELF header. */
#define FIRST_CHUNK ((size_t)64 << 10)

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

/*
 * Decompressed output: grows in steps, gives up as soon as the first bytes
 * are not an ELF header or the image would pass max.
 */
struct buf {
	unsigned char *p;
	size_t n, cap, max;
	const char *format;
	bool checked;
	char **why;
};

/* Room for the next decoding step; NULL when the cap is reached. */
static unsigned char *buf_room(struct buf *b, size_t *room)
{
	if (b->n >= b->cap) {
		size_t want = b->cap ? b->cap * 2 : FIRST_CHUNK;
		if (b->cap > b->max)
			return NULL;
		if (want > b->max + 1)
			want = b->max + 1; /* one byte more tells "past the cap" */
		b->p = xrealloc(b->p, want);
		b->cap = want;
	}
	*room = b->cap - b->n;
	return b->p + b->n;
}

static char *size_text(size_t n)
{
	if (n >= (1u << 30) && n % (1u << 30) == 0)
		return xasprintf("%zu GiB", n >> 30);
	if (n >= (1u << 20) && n % (1u << 20) == 0)
		return xasprintf("%zu MiB", n >> 20);
	if (n >= (1u << 10) && n % (1u << 10) == 0)
		return xasprintf("%zu KiB", n >> 10);
	return xasprintf("%zu bytes", n);
}

/* After each step: 0 to go on, or a negative errno with *why set. */
static int buf_check(struct buf *b)
{
	if (!b->checked && b->n >= SELFMAG) {
		b->checked = true;
		if (memcmp(b->p, ELFMAG, SELFMAG) != 0) {
			*b->why = xasprintf("%s data that does not hold an ELF "
					    "file (its first bytes are not \\177ELF): "
					    "not decompressed further", b->format);
			return -ENOEXEC;
		}
	}
	if (b->n > b->max) {
		char *lim = size_text(b->max);
		*b->why = xasprintf("%s data inflates past the %s limit on a "
				    "decompressed image (KSYMAUDIT_MAX_IMAGE_SIZE)",
				    b->format, lim);
		free(lim);
		return -EFBIG;
	}
	return 0;
}

/* At the end of the stream. */
static int buf_done(struct buf *b)
{
	if (b->n < SELFMAG || memcmp(b->p, ELFMAG, SELFMAG) != 0) {
		*b->why = xasprintf("%s data that does not hold an ELF file",
				    b->format);
		return -ENOEXEC;
	}
	return 0;
}

#if ENABLE_XZ
static int unxz(const unsigned char *in, size_t len, struct buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;
	int err = 0;

	if (lzma_stream_decoder(&s, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		*out->why = xstrdup("cannot start the xz decoder");
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	do {
		size_t room;
		unsigned char *p = buf_room(out, &room);
		if (!p)
			break;
		s.next_out = p;
		s.avail_out = room;
		r = lzma_code(&s, LZMA_FINISH);
		out->n += room - s.avail_out;
		err = buf_check(out);
	} while (!err && r == LZMA_OK);
	lzma_end(&s);
	if (err)
		return err;
	if (r == LZMA_MEMLIMIT_ERROR) {
		*out->why = xasprintf("bad xz data (needs more than %llu MiB of "
				      "memory to decode)",
				      (unsigned long long)(XZ_MEMLIMIT >> 20));
		return -EINVAL;
	}
	if (r != LZMA_STREAM_END) {
		*out->why = xasprintf("bad xz data (%s)",
				      r == LZMA_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return buf_done(out);
}
#endif

#if ENABLE_ZSTD
static int unzstd(const unsigned char *in, size_t len, struct buf *out)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, len, 0};
	size_t r = 1;
	int err = 0;

	if (!ds) {
		*out->why = xstrdup("cannot start the zstd decoder");
		return -ENOMEM;
	}
	ZSTD_initDStream(ds);
	for (;;) {
		size_t room, before = ib.pos;
		unsigned char *p = buf_room(out, &room);
		ZSTD_outBuffer ob;

		if (!p)
			break;
		ob = (ZSTD_outBuffer){p, room, 0};
		r = ZSTD_decompressStream(ds, &ob, &ib);
		if (ZSTD_isError(r)) {
			*out->why = xasprintf("bad zstd data (%s)",
					      ZSTD_getErrorName(r));
			err = -EINVAL;
			break;
		}
		out->n += ob.pos;
		err = buf_check(out);
		if (err)
			break;
		if (r == 0 && ib.pos == ib.size)
			break; /* last frame complete */
		if (ib.pos == before && ob.pos == 0 && ib.pos == ib.size) {
			*out->why = xstrdup("bad zstd data (truncated)");
			err = -EINVAL;
			break;
		}
	}
	ZSTD_freeDStream(ds);
	return err ? err : buf_done(out);
}
#endif

#if ENABLE_ZLIB
static int ungzip(const unsigned char *in, size_t len, struct buf *out)
{
	z_stream s = {0};
	int r = Z_OK, err = 0;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		*out->why = xstrdup("cannot start the gzip decoder");
		return -ENOMEM;
	}
	s.next_in = (Bytef *)in;
	for (;;) {
		size_t room, used = (size_t)(s.next_in - in);
		unsigned char *p = buf_room(out, &room);

		if (!p)
			break;
		if (room > UINT32_MAX)
			room = UINT32_MAX;
		s.avail_in = (uInt)(len - used > UINT32_MAX ? UINT32_MAX
							     : len - used);
		s.next_out = p;
		s.avail_out = (uInt)room;
		r = inflate(&s, Z_NO_FLUSH);
		out->n += room - s.avail_out;
		err = buf_check(out);
		if (err || r != Z_OK)
			break;
		/* Member complete with more input: gzip allows concatenation. */
	}
	inflateEnd(&s);
	if (err)
		return err;
	if (r != Z_STREAM_END) {
		*out->why = xasprintf("bad gzip data (%s)",
				      r == Z_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return buf_done(out);
}
#endif

static const struct {
	const char *name;
	unsigned char magic[6];
	size_t len;
	int (*fn)(const unsigned char *, size_t, struct buf *);
} formats[] = {
	{"xz", {0xfd, '7', 'z', 'X', 'Z', 0}, 6,
#if ENABLE_XZ
	 unxz
#else
	 NULL
#endif
	},
	{"zstd", {0x28, 0xb5, 0x2f, 0xfd}, 4,
#if ENABLE_ZSTD
	 unzstd
#else
	 NULL
#endif
	},
	{"gzip", {0x1f, 0x8b}, 2,
#if ENABLE_ZLIB
	 ungzip
#else
	 NULL
#endif
	},
};

static uint16_t get16(const unsigned char *p, bool msb)
{
	return msb ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/*
 * The identification bytes, read before libelf: a corrupt class or byte
 * order byte makes every later field wrong, and libelf then reports the
 * consequence ("truncated", "invalid section index"), not the cause.
 */
static int check_ident(const unsigned char *p, size_t n, char **why)
{
	/* e_ehsize: offset 40 in Elf32_Ehdr, 52 in Elf64_Ehdr. */
	static const size_t ehsize_off[3] = {0, 40, 52};
	static const uint16_t ehsize[3] = {0, sizeof(Elf32_Ehdr),
					   sizeof(Elf64_Ehdr)};
	unsigned cls, data, other;
	bool msb;

	if (n < SELFMAG || memcmp(p, ELFMAG, SELFMAG) != 0) {
		*why = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	if (n < EI_NIDENT) {
		*why = xasprintf("truncated ELF file: %zu bytes, not even an ELF "
				 "identification", n);
		return -ENOEXEC;
	}
	cls = p[EI_CLASS];
	data = p[EI_DATA];
	if (cls != ELFCLASS32 && cls != ELFCLASS64) {
		*why = xasprintf("bad ELF header: class byte (EI_CLASS) is %u, "
				 "neither 1 (32-bit) nor 2 (64-bit)", cls);
		return -ENOEXEC;
	}
	if (data != ELFDATA2LSB && data != ELFDATA2MSB) {
		*why = xasprintf("bad ELF header: byte-order byte (EI_DATA) is %u, "
				 "neither 1 (little-endian) nor 2 (big-endian)",
				 data);
		return -ENOEXEC;
	}
	if (p[EI_VERSION] != EV_CURRENT) {
		*why = xasprintf("bad ELF header: version byte (EI_VERSION) is %u, "
				 "not 1", p[EI_VERSION]);
		return -ENOEXEC;
	}
	if (n < ehsize[cls]) {
		*why = xasprintf("truncated ELF file: %zu bytes, shorter than the "
				 "%u-byte ELF header", n, ehsize[cls]);
		return -ENOEXEC;
	}
	msb = data == ELFDATA2MSB;
	other = cls == ELFCLASS32 ? ELFCLASS64 : ELFCLASS32;
	if (get16(p + ehsize_off[cls], msb) == ehsize[cls])
		return 0;
	if (get16(p + ehsize_off[cls], !msb) == ehsize[cls]) {
		*why = xasprintf("bad ELF header: the byte-order byte (EI_DATA) "
				 "says %s-endian but the header reads as %s-endian",
				 msb ? "big" : "little", msb ? "little" : "big");
		return -ENOEXEC;
	}
	if (n >= ehsize[other] &&
	    (get16(p + ehsize_off[other], msb) == ehsize[other] ||
	     get16(p + ehsize_off[other], !msb) == ehsize[other])) {
		*why = xasprintf("bad ELF header: the class byte (EI_CLASS) says "
				 "%d-bit but the header is laid out as %d-bit",
				 cls == ELFCLASS32 ? 32 : 64,
				 cls == ELFCLASS32 ? 64 : 32);
		return -ENOEXEC;
	}
	*why = xasprintf("bad ELF header: e_ehsize is %u, not %u",
			 get16(p + ehsize_off[cls], msb), ehsize[cls]);
	return -ENOEXEC;
}

static const char *table_kind(unsigned type)
{
	switch (type) {
	case SHT_SYMTAB: case SHT_DYNSYM: return "symbol table";
	case SHT_REL: case SHT_RELA: return "relocation table";
	default: return "table";
	}
}

/* Entry size a section of this type must have, 0 when not checked. */
static size_t entsize_of(Elf *elf, unsigned type)
{
	switch (type) {
	case SHT_SYMTAB: case SHT_DYNSYM: return gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
	case SHT_REL: return gelf_fsize(elf, ELF_T_REL, 1, EV_CURRENT);
	case SHT_RELA: return gelf_fsize(elf, ELF_T_RELA, 1, EV_CURRENT);
	default: return 0;
	}
}

/* One section header: contents inside the file, tables well formed. */
static int check_section(struct ka_elf *e, Elf_Scn *scn, char **why)
{
	GElf_Shdr sh, link;
	size_t i = elf_ndxscn(scn), want;
	const char *name;

	if (!gelf_getshdr(scn, &sh)) {
		*why = xasprintf("bad section header %zu: %s", i, elf_errmsg(-1));
		return -ENOEXEC;
	}
	name = elf_strptr(e->elf, e->shstrndx, sh.sh_name);
	if (!name) {
		*why = xasprintf("section %zu: name offset %u is outside the "
				 "section-name table", i, sh.sh_name);
		return -ENOEXEC;
	}
	if (sh.sh_type != SHT_NOBITS &&
	    (sh.sh_offset > e->size || sh.sh_size > e->size - sh.sh_offset)) {
		*why = xasprintf("truncated ELF file: section %zu (%s) ends past "
				 "its %zu bytes", i, name, e->size);
		return -ENOEXEC;
	}
	want = entsize_of(e->elf, sh.sh_type);
	if (!want)
		return 0;
	if (sh.sh_entsize != want) {
		*why = xasprintf("section %zu (%s): entry size (sh_entsize) %llu, "
				 "a %s of this class has %zu", i, name,
				 (unsigned long long)sh.sh_entsize,
				 table_kind(sh.sh_type), want);
		return -ENOEXEC;
	}
	if (sh.sh_size % want) {
		*why = xasprintf("section %zu (%s): size %llu is not a whole "
				 "number of %zu-byte entries", i, name,
				 (unsigned long long)sh.sh_size, want);
		return -ENOEXEC;
	}
	if (sh.sh_link == 0 || sh.sh_link >= e->shnum) {
		*why = xasprintf("section %zu (%s): link (sh_link) %u is not a "
				 "section of this file", i, name, sh.sh_link);
		return -ENOEXEC;
	}
	if (!gelf_getshdr(elf_getscn(e->elf, sh.sh_link), &link)) {
		*why = xasprintf("section %zu (%s): bad linked section %u",
				 i, name, sh.sh_link);
		return -ENOEXEC;
	}
	if (sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_DYNSYM) {
		if (link.sh_type != SHT_STRTAB) {
			*why = xasprintf("section %zu (%s): its string table "
					 "(sh_link %u) is not a string table",
					 i, name, sh.sh_link);
			return -ENOEXEC;
		}
	} else if (link.sh_type != SHT_SYMTAB && link.sh_type != SHT_DYNSYM) {
		*why = xasprintf("section %zu (%s): relocations refer to section "
				 "%u, which is not a symbol table", i, name,
				 sh.sh_link);
		return -ENOEXEC;
	} else if (sh.sh_info >= e->shnum) {
		*why = xasprintf("section %zu (%s): relocates section %u "
				 "(sh_info), which does not exist", i, name,
				 sh.sh_info);
		return -ENOEXEC;
	}
	return 0;
}

/* Checks that headers and section contents lie inside the image. */
static int validate(struct ka_elf *e, char **why)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr strsh;
	size_t shentsize;

	if (elf_kind(e->elf) != ELF_K_ELF) {
		*why = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	if (!gelf_getehdr(e->elf, &e->ehdr)) {
		*why = xasprintf("bad ELF header: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	shentsize = e->ehdr.e_ident[EI_CLASS] == ELFCLASS32 ? sizeof(Elf32_Shdr)
							     : sizeof(Elf64_Shdr);
	if (e->ehdr.e_shoff == 0 || e->ehdr.e_shentsize != shentsize) {
		*why = e->ehdr.e_shoff == 0
			       ? xstrdup("no section headers (e_shoff is 0)")
			       : xasprintf("bad ELF header: section header size "
					   "(e_shentsize) %u, expected %zu",
					   e->ehdr.e_shentsize, shentsize);
		return -ENOEXEC;
	}
	if (e->ehdr.e_shoff > e->size ||
	    (uint64_t)e->ehdr.e_shnum * e->ehdr.e_shentsize >
		    e->size - e->ehdr.e_shoff) {
		*why = xasprintf("truncated ELF file: section headers end past "
				 "its %zu bytes", e->size);
		return -ENOEXEC;
	}
	if (elf_getshdrnum(e->elf, &e->shnum) < 0 ||
	    elf_getshdrstrndx(e->elf, &e->shstrndx) < 0) {
		*why = xasprintf("bad section headers: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	if (e->shnum == 0) {
		*why = xstrdup("no section headers (e_shnum is 0)");
		return -ENOEXEC;
	}
	if (e->shnum > (e->size - e->ehdr.e_shoff) / shentsize) {
		*why = xasprintf("truncated ELF file: %zu section headers do not "
				 "fit in its %zu bytes", e->shnum, e->size);
		return -ENOEXEC;
	}
	if (e->shstrndx == SHN_UNDEF || e->shstrndx >= e->shnum ||
	    !gelf_getshdr(elf_getscn(e->elf, e->shstrndx), &strsh) ||
	    strsh.sh_type != SHT_STRTAB) {
		*why = xasprintf("bad ELF header: the section-name table "
				 "(e_shstrndx %zu) is not a string table among "
				 "its %zu sections", e->shstrndx, e->shnum);
		return -ENOEXEC;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		int r = check_section(e, scn, why);
		if (r < 0)
			return r;
	}
	return 0;
}

static int open_image(struct ka_elf *out, const unsigned char *raw,
		      size_t len, size_t max, bool copy, char **why)
{
	int r;

	for (size_t i = 0; i < KA_ARRAY_SIZE(formats); i++) {
		struct buf b = {.max = max, .format = formats[i].name, .why = why};

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
		return check_ident(out->image, out->size, why);
	}
	r = check_ident(raw, len, why);
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
	r = validate(out, why);
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
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
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
