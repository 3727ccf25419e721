/* Internal: the debug info handle shared by debuginfo.c and attribute.c. */
#pragma once

#include <elfutils/libdwfl.h>
#include <sys/types.h>

#include "ksymaudit/dwarf.h"

struct ka_dbg {
	struct ka_dbg_opts opts;
	Dwfl_Callbacks cb;
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Elf *elf;           /* the main file as libdwfl laid it out */
	GElf_Addr elf_bias;
	size_t nscn;
	char *path;         /* as given */
	char *real_path;
	char *debug_file;   /* where the DWARF came from */
	dev_t main_dev;
	ino_t main_ino;
	unsigned char *build_id;
	size_t build_id_len;
};
