/*
 * Reference walker for bench/tree.sh: a plain single-threaded libdw walk
 * over every DIE of the given files (each DIE's tag and name are read).
 * Files are opened through libdwfl offline reporting, the way any correct
 * consumer reads them (relocatable modules get their DWARF relocated).
 * Arguments are files or directories (searched for *.ko and vmlinux*).
 */
#include <dirent.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct totals {
	uint64_t files, cus, dies, named;
};

static const Dwfl_Callbacks callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

static void walk_die(Dwarf_Die *die, struct totals *t)
{
	Dwarf_Die cur = *die;
	do {
		t->dies++;
		(void)dwarf_tag(&cur);
		if (dwarf_diename(&cur))
			t->named++;
		Dwarf_Die child;
		if (dwarf_child(&cur, &child) == 0)
			walk_die(&child, t);
	} while (dwarf_siblingof(&cur, &cur) == 0);
}

static int walk_file(const char *path, struct totals *t)
{
	Dwfl *dwfl = dwfl_begin(&callbacks);
	if (!dwfl)
		return -1;
	int rc = 0;
	Dwfl_Module *mod = dwfl_report_offline(dwfl, path, path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	Dwarf_Addr bias;
	Dwarf *dw = mod ? dwfl_module_getdwarf(mod, &bias) : NULL;
	if (!dw) {
		fprintf(stderr, "dwarf-walk: %s: %s\n", path, dwfl_errmsg(-1));
		rc = -1;
		goto out;
	}
	t->files++;
	Dwarf_Off off = 0, next;
	size_t hsize;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		if (dwarf_offdie(dw, off + hsize, &cu)) {
			t->cus++;
			walk_die(&cu, t);
		}
		off = next;
	}
out:
	dwfl_end(dwfl);
	return rc;
}

static int is_input(const char *name)
{
	size_t n = strlen(name);
	return (n > 3 && strcmp(name + n - 3, ".ko") == 0) ||
	       strncmp(name, "vmlinux", 7) == 0;
}

static int walk_path(const char *path, struct totals *t)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		fprintf(stderr, "dwarf-walk: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return walk_file(path, t);
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort), rc = 0;
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (nm[0] != '.') {
			char *sub;
			if (asprintf(&sub, "%s/%s", path, nm) < 0)
				abort();
			struct stat s2;
			if (stat(sub, &s2) == 0 &&
			    (S_ISDIR(s2.st_mode) || is_input(nm)))
				rc |= walk_path(sub, t);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int main(int argc, char *argv[])
{
	struct totals t = {0};
	int rc = 0;
	if (argc < 2) {
		fprintf(stderr, "usage: dwarf-walk FILE|DIR...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++)
		rc |= walk_path(argv[i], &t);
	printf("files %" PRIu64 " cus %" PRIu64 " dies %" PRIu64
	       " named %" PRIu64 "\n", t.files, t.cus, t.dies, t.named);
	return rc ? 1 : 0;
}
