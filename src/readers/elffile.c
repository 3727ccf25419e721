/*
 * Opening ELF inputs into libelf: plain files are mapped; xz, zstd and gzip
 * files (recognised by magic) are decompressed into memory first.
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

#if ENABLE_XZ
#include <lzma.h>
#endif
#if ENABLE_ZSTD
#include <zstd.h>
#endif
#if ENABLE_ZLIB
#include <zlib.h>
#endif

/* Refuse to inflate past this: no module or vmlinux is near it. */
#define MAX_IMAGE ((size_t)4 << 30)

struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void buf_reserve(struct buf *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	while (b->n + more > b->cap)
		b->cap = b->cap ? b->cap * 2 : (size_t)1 << 20;
	b->p = xrealloc(b->p, b->cap);
}

#if ENABLE_XZ
static int unxz(const void *in, size_t len, struct buf *out, char **why)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK) {
		*why = xstrdup("cannot start the xz decoder");
		return -ENOMEM;
	}
	s.next_in = in;
	s.avail_in = len;
	do {
		buf_reserve(out, 1 << 20);
		s.next_out = out->p + out->n;
		s.avail_out = out->cap - out->n;
		r = lzma_code(&s, LZMA_FINISH);
		out->n = out->cap - s.avail_out;
		if (out->n > MAX_IMAGE) {
			r = LZMA_MEMLIMIT_ERROR;
			break;
		}
	} while (r == LZMA_OK);
	lzma_end(&s);
	if (r != LZMA_STREAM_END) {
		*why = xasprintf("bad xz data (%s)",
				 r == LZMA_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return 0;
}
#endif

#if ENABLE_ZSTD
static int unzstd(const void *in, size_t len, struct buf *out, char **why)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = {in, len, 0};
	size_t r = 1;

	if (!ds) {
		*why = xstrdup("cannot start the zstd decoder");
		return -ENOMEM;
	}
	ZSTD_initDStream(ds);
	while (ib.pos < ib.size || r != 0) {
		ZSTD_outBuffer ob;
		size_t before = ib.pos;

		buf_reserve(out, 1 << 20);
		ob = (ZSTD_outBuffer){out->p + out->n, out->cap - out->n, 0};
		r = ZSTD_decompressStream(ds, &ob, &ib);
		out->n += ob.pos;
		if (ZSTD_isError(r)) {
			*why = xasprintf("bad zstd data (%s)", ZSTD_getErrorName(r));
			ZSTD_freeDStream(ds);
			return -EINVAL;
		}
		if (out->n > MAX_IMAGE || (ib.pos == before && ob.pos == 0 &&
					   ib.pos == ib.size)) {
			*why = xstrdup(out->n > MAX_IMAGE ? "zstd data too large"
							  : "bad zstd data (truncated)");
			ZSTD_freeDStream(ds);
			return -EINVAL;
		}
	}
	ZSTD_freeDStream(ds);
	return 0;
}
#endif

#if ENABLE_ZLIB
static int ungzip(const void *in, size_t len, struct buf *out, char **why)
{
	z_stream s = {0};
	int r;

	if (inflateInit2(&s, 16 + MAX_WBITS) != Z_OK) {
		*why = xstrdup("cannot start the gzip decoder");
		return -ENOMEM;
	}
	s.next_in = (Bytef *)in;
	s.avail_in = (uInt)len;
	do {
		buf_reserve(out, 1 << 20);
		s.next_out = out->p + out->n;
		s.avail_out = (uInt)(out->cap - out->n);
		r = inflate(&s, Z_NO_FLUSH);
		out->n = out->cap - s.avail_out;
		if (out->n > MAX_IMAGE)
			r = Z_MEM_ERROR;
	} while (r == Z_OK);
	inflateEnd(&s);
	if (r != Z_STREAM_END) {
		*why = xasprintf("bad gzip data (%s)",
				 r == Z_BUF_ERROR ? "truncated" : "corrupt");
		return -EINVAL;
	}
	return 0;
}
#endif

static const struct {
	const char *name;
	unsigned char magic[6];
	size_t len;
	int (*fn)(const void *, size_t, struct buf *, char **);
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

/* Checks that headers and section contents lie inside the image. */
static int validate(struct ka_elf *e, char **why)
{
	Elf_Scn *scn = NULL;
	size_t shnum;

	if (elf_kind(e->elf) != ELF_K_ELF) {
		*why = xstrdup("not an ELF file");
		return -ENOEXEC;
	}
	if (!gelf_getehdr(e->elf, &e->ehdr)) {
		*why = xasprintf("bad ELF header: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	if (e->ehdr.e_shoff > e->size ||
	    (uint64_t)e->ehdr.e_shnum * e->ehdr.e_shentsize >
		    e->size - e->ehdr.e_shoff) {
		*why = xasprintf("truncated ELF file: section headers end past "
				 "its %zu bytes", e->size);
		return -ENOEXEC;
	}
	if (elf_getshdrnum(e->elf, &shnum) < 0 ||
	    elf_getshdrstrndx(e->elf, &e->shstrndx) < 0) {
		*why = xasprintf("bad section headers: %s", elf_errmsg(-1));
		return -ENOEXEC;
	}
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh)) {
			*why = xasprintf("bad section header: %s", elf_errmsg(-1));
			return -ENOEXEC;
		}
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > e->size || sh.sh_size > e->size - sh.sh_offset)) {
			*why = xasprintf("truncated ELF file: section %zu ends past "
					 "its %zu bytes", elf_ndxscn(scn), e->size);
			return -ENOEXEC;
		}
	}
	return 0;
}

int ka_elf_open(const char *path, struct ka_elf *out, char **why)
{
	struct stat st;
	unsigned char *map;
	int fd, r;

	*out = (struct ka_elf){.fd = -1};
	*why = NULL;
	elf_version(EV_CURRENT);

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		r = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
		*why = xstrdup(r == -EISDIR ? "is a directory" : "not a regular file");
		close(fd);
		return r;
	}
	if (st.st_size == 0) {
		*why = xstrdup("empty file");
		close(fd);
		return -ENOEXEC;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		r = -errno;
		*why = xstrdup(strerror(-r));
		close(fd);
		return r;
	}

	out->path = xstrdup(path);
	for (size_t i = 0; i < KA_ARRAY_SIZE(formats); i++) {
		struct buf b = {0};

		if ((size_t)st.st_size < formats[i].len ||
		    memcmp(map, formats[i].magic, formats[i].len) != 0)
			continue;
		out->compression = formats[i].name;
		if (!formats[i].fn) {
			*why = xasprintf("%s-compressed, and this ksymaudit was "
					 "built without %s support",
					 formats[i].name, formats[i].name);
			r = -ENOTSUP;
		} else {
			r = formats[i].fn(map, (size_t)st.st_size, &b, why);
		}
		munmap(map, (size_t)st.st_size);
		close(fd);
		if (r < 0) {
			free(b.p);
			ka_elf_close(out);
			return r;
		}
		out->image = b.p;
		out->size = b.n;
		out->elf = elf_memory((char *)out->image, out->size);
		goto opened;
	}

	/* Plain file: let libelf map it read-only. */
	munmap(map, (size_t)st.st_size);
	out->fd = fd;
	out->size = (size_t)st.st_size;
	out->elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);

opened:
	if (!out->elf) {
		*why = xasprintf("cannot read ELF: %s", elf_errmsg(-1));
		ka_elf_close(out);
		return -ENOEXEC;
	}
	r = validate(out, why);
	if (r < 0) {
		ka_elf_close(out);
		return r;
	}
	return 0;
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
	switch (machine) {
	case EM_386: return "i386";
	case EM_X86_64: return "x86_64";
	case EM_ARM: return "arm";
	case EM_AARCH64: return "aarch64";
	case EM_PPC: return "ppc";
	case EM_PPC64: return "ppc64";
	case EM_S390: return "s390";
	case EM_MIPS: return "mips";
	case EM_RISCV: return "riscv";
	case EM_SPARC: return "sparc";
	case EM_SPARCV9: return "sparc64";
	case EM_LOONGARCH: return "loongarch";
	case EM_PARISC: return "parisc";
	case EM_SH: return "sh";
	case EM_68K: return "m68k";
	case EM_ALPHA: return "alpha";
	case EM_IA_64: return "ia64";
	case EM_XTENSA: return "xtensa";
	case EM_ARC_COMPACT: return "arc";
	case EM_OPENRISC: return "openrisc";
	case EM_MICROBLAZE: return "microblaze";
	case EM_CSKY: return "csky";
	default: return "unknown machine";
	}
}
