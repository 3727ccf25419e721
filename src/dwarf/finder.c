/*
 * The one debug-file finder, libdwfl's find_debuginfo callback: when the
 * file itself has no DWARF, a separate file by build-id under a debug root,
 * by .gnu_debuglink, in Debian's /usr/lib/debug/lib/modules/VER layout or
 * under the root by the file's own path, in --debuginfo/--debug-root DIR,
 * and optionally from debuginfod.
 */
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "internal.h"
#include "ksymaudit/input.h"

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
static int try_candidate(struct ka_dwarf *d, const char *path)
{
	/* Only regular files: a FIFO planted in a debug directory is never
	 * waited on. */
	struct stat st;
	char *why = NULL;
	int fd = ka_input_open(path, &st, &why);
	free(why);
	if (fd < 0)
		return -1;
	if (st.st_dev == d->main_dev && st.st_ino == d->main_ino) {
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

static int try_fmt(struct ka_dwarf *d, const char *fmt, ...) KA_PRINTF(2, 3);
static int try_fmt(struct ka_dwarf *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = xvasprintf(fmt, ap);
	va_end(ap);
	int fd = try_candidate(d, p);
	free(p);
	return fd;
}

static int by_build_id(struct ka_dwarf *d, const char *root)
{
	char hex[2 * 64 + 1];
	size_t n = d->build_id_len < 64 ? d->build_id_len : 64;
	if (n < 2)
		return -1;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d->build_id[i]);
	return try_fmt(d, "%s/.build-id/%.2s/%s.debug", root, hex, hex + 2);
}

static int by_debuglink(struct ka_dwarf *d, const char *root,
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
static int by_module_tree(struct ka_dwarf *d, const char *root)
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

/* Under the root by the file's own path: /boot/vmlinux-V ->
 * ROOT/boot/vmlinux-V. */
static int by_path(struct ka_dwarf *d, const char *root)
{
	int fd = -1;
	if (d->path[0] == '/') {
		char *plain = uncompressed_name(d->path);
		fd = try_fmt(d, "%s%s", root, plain);
		free(plain);
	}
	if (fd < 0 && strcmp(d->path, d->real_path) != 0) {
		char *plain = uncompressed_name(d->real_path);
		fd = try_fmt(d, "%s%s", root, plain);
		free(plain);
	}
	return fd;
}

/* A debug directory: the same relative path, the base name, .debug. */
static int in_dir(struct ka_dwarf *d, const char *dir)
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

int ka_dwarf_find_debuginfo(Dwfl_Module *mod, void **userdata,
			    const char *modname, GElf_Addr base,
			    const char *file_name, const char *debuglink_file,
			    GElf_Word debuglink_crc, char **debuginfo_file_name)
{
	struct ka_dwarf *d = *userdata;
	if (!d)
		return -1;
	const char *dir = d->opts.debug_dir;
	const char *root = DEFAULT_DEBUG_ROOT;
	int fd = -1;

	if (dir && fd < 0)
		fd = in_dir(d, dir);
	if (dir && fd < 0)
		fd = by_build_id(d, dir);
	if (dir && fd < 0)
		fd = by_module_tree(d, dir);
	if (dir && fd < 0 && debuglink_file)
		fd = by_debuglink(d, dir, debuglink_file);
	if (dir && fd < 0)
		fd = by_path(d, dir);
	if (fd < 0)
		fd = by_build_id(d, root);
	if (fd < 0 && debuglink_file)
		fd = by_debuglink(d, NULL, debuglink_file);
	if (fd < 0 && debuglink_file)
		fd = by_debuglink(d, root, debuglink_file);
	if (fd < 0)
		fd = by_module_tree(d, root);
	if (fd < 0)
		fd = by_path(d, root);
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

