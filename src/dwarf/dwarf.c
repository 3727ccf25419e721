/*
 * Opening the DWARF of one ELF file through libdwfl (relocatable files get
 * their debug info relocated), with the debug-file finder of finder.c and
 * the map from the file's sections to DWARF addresses.
 */
#include <elfutils/libdwelf.h>
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/*
 * An fd holding a decompressed image: the reader (readers/elffile.c) has
 * decompressed it once already, libdwfl reads it from memory rather than
 * decompressing the file again.
 */
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

/* DWARF address of each allocated section of the file as libdwfl laid it
 * out (ET_REL sections get addresses of their own). */
static bool map_sections(struct ka_dwarf *d, Dwarf_Addr dwbias)
{
	GElf_Addr ebias;
	Elf *elf = dwfl_module_getelf(d->mod, &ebias);
	if (!elf || elf_getshdrnum(elf, &d->nscn) != 0)
		return false;
	d->scn_addr = xcalloc(d->nscn + 1, sizeof(*d->scn_addr));
	for (size_t i = 0; i < d->nscn; i++) {
		GElf_Shdr sh;
		Elf_Scn *s = elf_getscn(elf, i);
		d->scn_addr[i] = UINT64_MAX;
		if (i && s && gelf_getshdr(s, &sh) && (sh.sh_flags & SHF_ALLOC))
			d->scn_addr[i] = sh.sh_addr + ebias - dwbias;
	}
	return true;
}

struct ka_dwarf *ka_dwarf_open(struct ka_elf *e, const struct ka_dbg_opts *o,
			       char **why)
{
	struct ka_dwarf *d = xcalloc(1, sizeof(*d));
	struct stat st;
	const void *id;
	int fd = -1;
	char *msg = NULL;

	d->opts = *o;
	d->path = xstrdup(e->path);
	d->real_path = realpath(e->path, NULL);
	if (!d->real_path)
		d->real_path = xstrdup(e->path);
	char *rp = xstrdup(d->real_path);
	d->module_dir = xstrdup(dirname(rp));
	free(rp);
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
	d->cb.find_debuginfo = ka_dwarf_find_debuginfo;
	d->cb.section_address = dwfl_offline_section_address;
	d->dwfl = dwfl_begin(&d->cb);
	if (!d->dwfl)
		goto fail;
	if (e->image) {
		fd = image_fd(e);
		if (fd < 0) {
			msg = xasprintf("cannot hold the decompressed image: %s",
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
	d->dw = dwfl_module_getdwarf(d->mod, &bias);
	if (!d->dw) {
		msg = xasprintf("no debug info for %s: install or point "
				"--debuginfo at debug files to see the "
				"inline chain",
				e->path);
		goto out;
	}
	if (!map_sections(d, bias))
		goto fail;
	if (!d->debug_file)
		d->debug_file = xstrdup(e->path);
	return d;
fail:
	msg = xasprintf("cannot read debug info of %s: %s", e->path,
			dwfl_errmsg(-1));
out:
	if (why)
		*why = msg;
	else
		free(msg);
	ka_dwarf_close(d);
	return NULL;
}

const char *ka_dwarf_file(const struct ka_dwarf *d)
{
	return d->debug_file;
}

uint64_t ka_dwarf_addr(const struct ka_dwarf *d, size_t scn, uint64_t off)
{
	if (scn >= d->nscn || d->scn_addr[scn] == UINT64_MAX)
		return UINT64_MAX;
	return d->scn_addr[scn] + off;
}

void ka_dwarf_close(struct ka_dwarf *d)
{
	if (!d)
		return;
	if (d->dwfl)
		dwfl_end(d->dwfl);
	ka_dwarf_cu_index_free(d->cus);
	free(d->scn_addr);
	free(d->path);
	free(d->real_path);
	free(d->module_dir);
	free(d->debug_file);
	free(d->build_id);
	free(d);
}

void ka_cu_iter_begin(struct ka_cu_iter *it, struct ka_dwarf *d, unsigned per)
{
	*it = (struct ka_cu_iter){ .cur = d->dw, .per = per };
	it->elf = dwarf_getelf(d->dw);
	GElf_Ehdr eh;
	if (it->elf && gelf_getehdr(it->elf, &eh) && eh.e_type != ET_REL) {
		Dwarf *own = dwarf_begin_elf(it->elf, DWARF_C_READ, NULL);
		if (own) {
			it->cur = own;
			it->own = true;
		}
	}
}

bool ka_cu_iter_next(struct ka_cu_iter *it, Dwarf_Die *cu)
{
	Dwarf_Off next;
	size_t hsize;
	for (;;) {
		if (it->own && it->n >= it->per) {
			Dwarf *fresh = dwarf_begin_elf(it->elf, DWARF_C_READ, NULL);
			if (fresh) {
				dwarf_end(it->cur);
				it->cur = fresh;
				it->n = 0;
			}
		}
		if (dwarf_nextcu(it->cur, it->off, &next, &hsize, NULL, NULL,
				 NULL) != 0)
			return false;
		Dwarf_Off at = it->off + hsize;
		it->off = next;
		it->n++;
		if (dwarf_offdie(it->cur, at, cu))
			return true;
	}
}

void ka_cu_iter_end(struct ka_cu_iter *it)
{
	if (it->own)
		dwarf_end(it->cur);
	it->own = false;
}
