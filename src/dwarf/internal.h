/* Internal to src/dwarf/: the DWARF handle of one file. */
#pragma once

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include "ksymaudit/dwarf.h"

struct cu_index; /* cu-index.c: CU ranges and functions, built when needed */

struct ka_dwarf {
	struct ka_dbg_opts opts;
	Dwfl_Callbacks cb;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	size_t nscn;
	uint64_t *scn_addr; /* per section of the file: DWARF address, or ~0 */
	char *path;         /* as given */
	char *real_path;
	char *module_dir;   /* directory of real_path, for ka_dwarf_path */
	char *debug_file;   /* where the DWARF came from */
	dev_t main_dev;
	ino_t main_ino;
	unsigned char *build_id;
	size_t build_id_len;
	struct cu_index *cus;
};

/* The find_debuginfo callback of libdwfl (finder.c); userdata is the
 * struct ka_dwarf. */
int ka_dwarf_find_debuginfo(Dwfl_Module *mod, void **userdata,
			    const char *modname, GElf_Addr base,
			    const char *file_name, const char *debuglink_file,
			    GElf_Word debuglink_crc, char **debuginfo_file_name);

/*
 * The subprogram DIE of d with a range that starts at addr, through d's CU
 * index (cu-index.c; built on first use, freed by ka_dwarf_close).
 */
bool ka_dwarf_func_die(struct ka_dwarf *d, uint64_t addr, Dwarf_Die *out);
/* Frees an index (NULL: nothing). */
void ka_dwarf_cu_index_free(struct cu_index *ix);

/*
 * The CUs of a file, one after the other. libdw keeps what it reads of a
 * CU (line table, abbreviations) until dwarf_end: over a whole vmlinux,
 * hundreds of MiB. A linked image needs no relocation of its DWARF, so it
 * is read through handles of the iterator's own, each dropped after `per`
 * CUs; DIE offsets stay valid, strings must be copied before the next CU.
 * A relocatable file (a module) is read through d->dw.
 */
struct ka_cu_iter {
	Dwarf *cur;  /* the handle of the current CU */
	Elf *elf;
	bool own;
	unsigned n, per;
	Dwarf_Off off;
};
void ka_cu_iter_begin(struct ka_cu_iter *it, struct ka_dwarf *d, unsigned per);
bool ka_cu_iter_next(struct ka_cu_iter *it, Dwarf_Die *cu);
void ka_cu_iter_end(struct ka_cu_iter *it);
