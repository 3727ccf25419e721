/*
 * The kernel side of a run: Module.symvers files and the export tables of a
 * vmlinux or vmlinux.o.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/run.h"

static bool is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The release of a build or headers tree (include/config/kernel.release,
 * "6.1.192" in Debian's headers): the version the loader's rules are keyed
 * to for modules without vermagic (module .o files). The first one wins.
 */
static void note_release(struct ka_run *run, const char *dir)
{
	if (run->kernel_release)
		return;
	char *p = xasprintf("%s/include/config/kernel.release", dir);
	char *buf = NULL, *why = NULL;
	size_t len;
	if (is_file(p) && ka_input_read(p, &buf, &len, &why) == 0 && len) {
		buf[strcspn(buf, "\n")] = '\0';
		if (*buf)
			run->kernel_release = xstrdup(buf);
	}
	free(buf);
	free(why);
	free(p);
}

static int load_symvers(struct ka_run *run, const char *path)
{
	int r = ka_symvers_read(path, &run->exports, &run->diags);
	ka_run_add_input(run, path, "symvers", r >= 0);
	return r;
}

/*
 * A vmlinux with BTF and no code: the one Debian's linux-headers packages
 * (6.12 and later) ship for building modules with BTF (resolve_btfids,
 * pahole), not the kernel image. It has no export table by design.
 */
static bool btf_only(struct ka_elf *e)
{
	bool btf = false;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e->elf, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			return false;
		if (sh.sh_flags & SHF_EXECINSTR)
			return false;
		const char *name = ka_elf_section_name(e, scn);
		btf |= name && !strcmp(name, ".BTF");
	}
	return btf;
}

/*
 * Reads a vmlinux's export table. quiet_btf: the image is the fallback
 * beside a Module.symvers (a headers directory), so a BTF-only vmlinux
 * there is skipped without a word.
 */
static int load_vmlinux(struct ka_run *run, const char *path, bool quiet_btf)
{
	struct ka_elf e;
	char *why = NULL;
	int r;

	r = ka_elf_open(path, &e, &why);
	if (r < 0) {
		ka_diag_add(&run->diags, true, path, 0, "%s", why);
		free(why);
		ka_run_add_input(run, path, "vmlinux", false);
		return r;
	}
	if (btf_only(&e)) {
		if (!quiet_btf)
			ka_diag_add(&run->diags, true, path, 0,
				    "only BTF, no code: the vmlinux a headers package ships for building modules with BTF, not the kernel image (its exports are in the Module.symvers beside it; the image with code and DWARF is the debug vmlinux, linux-image-*-dbg)");
		ka_elf_close(&e);
		ka_run_add_input(run, path, "vmlinux", quiet_btf);
		return quiet_btf ? 0 : -EINVAL;
	}
	r = ka_elf_exports_read(&e, "vmlinux", NULL, &run->exports, &run->diags);
	if (r == 0)
		ka_diag_add(&run->diags, false, path, 0,
			    "no export table found (not a vmlinux?)");
	if (r >= 0) {
		run->have_kernel_machine = true;
		run->kernel_machine = e.ehdr.e_machine;
		run->kernel_elfclass = e.ehdr.e_ident[EI_CLASS];
		run->kernel_byteorder = e.ehdr.e_ident[EI_DATA];
		free(run->kernel_image);
		run->kernel_image = xstrdup(path);
	}
	ka_elf_close(&e);
	ka_run_add_input(run, path, "vmlinux", r >= 0);
	return r;
}

int ka_kernel_load(struct ka_run *run, const char *kernel_dir,
		   const struct strvec *symvers, const char *vmlinux)
{
	bool any = false;

	if (kernel_dir) {
		char *sv = xasprintf("%s/Module.symvers", kernel_dir);
		char *vo = xasprintf("%s/vmlinux.o", kernel_dir);
		char *vl = xasprintf("%s/vmlinux", kernel_dir);
		bool found = false;
		struct stat st;

		if (stat(kernel_dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			ka_diag_add(&run->diags, true, kernel_dir, 0,
				    "not a kernel build or headers directory: %s",
				    stat(kernel_dir, &st) < 0 ? strerror(errno)
							      : "not a directory");
		} else {
			note_release(run, kernel_dir);
			if (is_file(sv)) {
				found = true;
				any |= load_symvers(run, sv) >= 0;
			}
			/* modpost reads vmlinux.o; vmlinux is the fallback. */
			if (!vmlinux && (is_file(vo) || is_file(vl))) {
				found = true;
				any |= load_vmlinux(run, is_file(vo) ? vo : vl,
						    is_file(sv)) >= 0;
			}
			if (!found)
				ka_diag_add(&run->diags, true, kernel_dir, 0,
					    "no Module.symvers, vmlinux.o or vmlinux in this directory");
		}
		free(sv);
		free(vo);
		free(vl);
	}
	for (size_t i = 0; symvers && i < symvers->n; i++) {
		char *dir = xstrdup(symvers->v[i]);
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			note_release(run, *dir ? dir : "/");
		}
		free(dir);
		any |= load_symvers(run, symvers->v[i]) >= 0;
	}
	if (vmlinux)
		any |= load_vmlinux(run, vmlinux, false) >= 0;
	return any ? 0 : -ENOENT;
}
