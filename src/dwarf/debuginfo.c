/*
 * Finding and opening debug info with libdwfl: in the file itself, by
 * build-id under a debug root, by .gnu_debuglink, Debian's
 * /usr/lib/debug/lib/modules layout, --debuginfo DIR, and optionally
 * debuginfod.
 */
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "dbg.h"

#define DEFAULT_DEBUG_ROOT "/usr/lib/debug"

static const char *const compress_suffixes[] = { ".xz", ".zst", ".gz" };

/* path without a compression suffix, owned. */
static char *uncompressed_name(const char *path)
{
	for (size_t i = 0; i < KA_ARRAY_SIZE(compress_suffixes); i++)
		if (str_ends(path, compress_suffixes[i]))
			return xstrndup(path, strlen(path) -
						      strlen(compress_suffixes[i]));
	return xstrdup(path);
}

static bool has_debug_info(Elf *elf)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
			continue;
		n = elf_strptr(elf, shstrndx, sh.sh_name);
		if (n && (strcmp(n, ".debug_info") == 0 ||
			  strcmp(n, ".zdebug_info") == 0))
			return true;
	}
	return false;
}

/*
 * Opens path when it is an ELF file with DWARF whose build-id (when both
 * have one) matches; returns the fd or -1.
 */
static int try_candidate(struct ka_dbg *d, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (st.st_dev == d->main_dev && st.st_ino == d->main_ino)) {
		close(fd);
		return -1;
	}
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	bool ok = elf && elf_kind(elf) == ELF_K_ELF && has_debug_info(elf);
	if (ok && d->build_id_len) {
		const void *id;
		ssize_t n = dwelf_elf_gnu_build_id(elf, &id);
		if (n > 0 && ((size_t)n != d->build_id_len ||
			      memcmp(id, d->build_id, (size_t)n) != 0))
			ok = false;
	}
	elf_end(elf);
	if (!ok) {
		close(fd);
		return -1;
	}
	free(d->debug_file);
	d->debug_file = xstrdup(path);
	return fd;
}

static int try_fmt(struct ka_dbg *d, const char *fmt, ...) KA_PRINTF(2, 3);
static int try_fmt(struct ka_dbg *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	int fd = try_candidate(d, p);
	free(p);
	return fd;
}

static int by_build_id(struct ka_dbg *d, const char *root)
{
	char hex[2 * 64 + 1];
	size_t n = d->build_id_len < 64 ? d->build_id_len : 64;
	if (n < 2)
		return -1;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->build_id[i]);
	return try_fmt(d, "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
}

static int by_debuglink(struct ka_dbg *d, const char *root,
			const char *link)
{
	const char *slash = strrchr(d->real_path, '/');
	int dirlen = slash ? (int)(slash - d->real_path) : 0;
	int fd = -1;
	if (!root) {
		fd = try_fmt(d, "%.*s/%s", dirlen, d->real_path, link);
		if (fd < 0)
			fd = try_fmt(d, "%.*s/.debug/%s", dirlen, d->real_path,
				     link);
		return fd;
	}
	fd = try_fmt(d, "%s%.*s/%s", root, dirlen, d->real_path, link);
	if (fd < 0)
		fd = try_fmt(d, "%s/%s", root, link);
	return fd;
}

/* Debian: /usr/lib/debug/lib/modules/V/... beside /lib/modules/V/... */
static int by_module_tree(struct ka_dbg *d, const char *root)
{
	const char *p = strstr(d->real_path, "/lib/modules/");
	if (!p)
		p = strstr(d->path, "lib/modules/");
	if (!p)
		return -1;
	if (*p == '/')
		p++;
	char *rel = uncompressed_name(p);
	int fd = try_fmt(d, "%s/%s", root, rel);
	free(rel);
	return fd;
}

/* --debuginfo DIR: the same relative path, the base name, .debug. */
static int in_dir(struct ka_dbg *d, const char *dir)
{
	char *plain = uncompressed_name(d->path);
	const char *base = strrchr(plain, '/');
	base = base ? base + 1 : plain;
	int fd = -1;
	if (plain[0] != '/')
		fd = try_fmt(d, "%s/%s", dir, plain);
	if (fd < 0)
		fd = try_fmt(d, "%s/%s", dir, base);
	if (fd < 0)
		fd = try_fmt(d, "%s/%s.debug", dir, base);
	free(plain);
	return fd;
}

static int find_debuginfo(Dwfl_Module *mod, void **userdata,
			  const char *modname, GElf_Addr base,
			  const char *file_name, const char *debuglink_file,
			  GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct ka_dbg *d = *userdata;
	if (!d)
		return -1;
	const char *dir = d->opts.debuginfo_dir;
	const char *root = d->opts.debug_root ? d->opts.debug_root
					      : DEFAULT_DEBUG_ROOT;
	int fd = -1;

	if (dir && fd < 0)
		fd = in_dir(d, dir);
	if (dir && fd < 0)
		fd = by_build_id(d, dir);
	if (dir && fd < 0)
		fd = by_module_tree(d, dir);
	if (dir && fd < 0 && debuglink_file)
		fd = by_debuglink(d, dir, debuglink_file);
	if (fd < 0)
		fd = by_build_id(d, root);
	if (fd < 0 && debuglink_file)
		fd = by_debuglink(d, NULL, debuglink_file);
	if (fd < 0 && debuglink_file)
		fd = by_debuglink(d, root, debuglink_file);
	if (fd < 0)
		fd = by_module_tree(d, root);
	if (fd < 0 && ENABLE_DEBUGINFOD && d->opts.debuginfod) {
		fd = dwfl_standard_find_debuginfo(mod, userdata, modname, base,
						  file_name, debuglink_file,
						  debuglink_crc,
						  debuginfo_file_name);
		if (fd >= 0)
			return fd;
	}
	if (fd >= 0)
		*debuginfo_file_name = xstrdup(d->debug_file);
	return fd;
}

/* An fd holding the image, for inputs decompressed in memory. */
static int image_fd(const struct ka_elf *e)
{
	int fd = memfd_create("ksymaudit-image", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	const char *p = e->image;
	size_t left = e->size;
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return fd;
}

struct ka_dbg *ka_dbg_open(struct ka_elf *e, const struct ka_dbg_opts *o,
			   char **why)
{
	struct ka_dbg *d = xcalloc(1, sizeof(*d));
	struct stat st;
	const void *id;
	int fd = -1;

	d->opts = *o;
	d->path = xstrdup(e->path);
	d->real_path = realpath(e->path, NULL);
	if (!d->real_path)
		d->real_path = xstrdup(e->path);
	if (stat(e->path, &st) == 0) {
		d->main_dev = st.st_dev;
		d->main_ino = st.st_ino;
	}
	ssize_t n = dwelf_elf_gnu_build_id(e->elf, &id);
	if (n > 0) {
		d->build_id_len = (size_t)n;
		d->build_id = xmalloc((size_t)n);
		memcpy(d->build_id, id, (size_t)n);
	}

	d->cb.find_elf = dwfl_build_id_find_elf;
	d->cb.find_debuginfo = find_debuginfo;
	d->cb.section_address = dwfl_offline_section_address;
	d->dwfl = dwfl_begin(&d->cb);
	if (!d->dwfl)
		goto fail;
	if (e->image) {
		fd = image_fd(e);
		if (fd < 0) {
			*why = xasprintf("cannot hold the decompressed image: %s",
					 strerror(errno));
			goto out;
		}
	}
	dwfl_report_begin(d->dwfl);
	d->mod = dwfl_report_offline(d->dwfl, e->path, e->path, fd);
	dwfl_report_end(d->dwfl, NULL, NULL);
	if (!d->mod)
		goto fail;
	void **ud;
	dwfl_module_info(d->mod, &ud, NULL, NULL, NULL, NULL, NULL, NULL);
	*ud = d;

	Dwarf_Addr bias;
	if (!dwfl_module_getdwarf(d->mod, &bias)) {
		*why = xasprintf("no debug info for %s: install or point "
				 "--debuginfo at debug files to see the "
				 "inline chain",
				 e->path);
		goto out;
	}
	d->elf = dwfl_module_getelf(d->mod, &d->elf_bias);
	if (!d->elf || elf_getshdrnum(d->elf, &d->nscn) != 0)
		goto fail;
	if (!d->debug_file)
		d->debug_file = xstrdup(e->path);
	return d;
fail:
	*why = xasprintf("cannot read debug info of %s: %s", e->path,
			 dwfl_errmsg(-1));
out:
	ka_dbg_close(d);
	return NULL;
}

const char *ka_dbg_file(const struct ka_dbg *d)
{
	return d->debug_file;
}

void ka_dbg_close(struct ka_dbg *d)
{
	if (!d)
		return;
	if (d->dwfl)
		dwfl_end(d->dwfl);
	free(d->path);
	free(d->real_path);
	free(d->debug_file);
	free(d->build_id);
	free(d);
}
char *ka_debug_file_for(const char *path, const char *debug_root)
{
	if (!debug_root || !*debug_root)
		return NULL;
	if (str_starts(path, debug_root))
		return NULL; /* already the debug file */
	/*
	 * Debian: /usr/lib/debug/lib/modules/VER/... beside /lib/modules
	 * (also for a tree unpacked elsewhere: the part from /lib/modules/).
	 */
	const char *lm = strstr(path, "/lib/modules/");
	const char *tails[2] = { path[0] == '/' ? path : NULL,
				 lm && lm != path ? lm : NULL };
	for (size_t t = 0; t < 2; t++) {
		if (!tails[t])
			continue;
		size_t n = strlen(tails[t]);
		for (const char *const *z = (const char *const[]){
			     ".xz", ".zst", ".gz", "", NULL };
		     *z; z++) {
			size_t zl = strlen(*z);
			if (!str_ends(tails[t], *z))
				continue;
			char *p = xasprintf("%s%.*s", debug_root, (int)(n - zl),
					    tails[t]);
			if (access(p, R_OK) == 0)
				return p;
			free(p);
		}
	}
	return NULL;
}

