/*
 * Inputs of a whole-kernel run (tree, explain): the kernel image, every
 * module file of a tree and their exports (the layout: layout.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/elffile.h"
#include "ksymaudit/tree.h"

static void read_module_exports(struct ka_run *run, const struct strvec *mods)
{
	for (size_t i = 0; i < mods->n; i++) {
		struct ka_elf e;
		char *why = NULL;
		if (ka_elf_open(mods->v[i], &e, &why) < 0) {
			ka_diag_add(&run->diags, true, mods->v[i], 0, "%s",
				    why ? why : "cannot open");
			free(why);
			ka_run_add_input(run, mods->v[i], "module", false);
			continue;
		}
		char *owner = ka_module_name_from_path(mods->v[i]);
		int r = ka_elf_exports_read(&e, owner, NULL, &run->exports,
					    &run->diags);
		ka_run_add_input(run, mods->v[i], "module", r >= 0);
		free(owner);
		ka_elf_close(&e);
	}
}

int ka_tree_inputs_setup(struct ka_run *run, struct ka_tree_inputs *cli,
			 struct ka_tree_opts *o)
{
	ka_tree_inputs_resolve(cli);
	if (!cli->kernel && !cli->symvers.n && !cli->vmlinux) {
		ka_diag_add(&run->diags, true, NULL, 0,
			    "no kernel given: use --release, --kernel, or "
			    "--vmlinux with --modules and --symvers");
		return -EINVAL;
	}
	if (ka_kernel_load(run, cli->kernel, &cli->symvers, cli->vmlinux) < 0)
		return -ENOENT;
	o->vmlinux = cli->vmlinux ? cli->vmlinux : run->kernel_image;
	if (!o->vmlinux)
		ka_diag_add(&run->diags, false, NULL, 0, "%s",
			    cli->module_dirs.n || cli->kernel
			    ? "no kernel image: only modules are walked"
			    : "no kernel image and no modules: only the "
			      "exports are read");
	if (cli->kernel && !cli->module_dirs.n)
		strvec_push(&cli->module_dirs, cli->kernel);
	for (size_t i = 0; i < cli->module_dirs.n; i++) {
		bool is_dir;
		if (ka_modules_find(cli->module_dirs.v[i], &o->modules,
				    &run->diags, &is_dir) < 0)
			ka_run_add_input(run, cli->module_dirs.v[i], "module",
					 false);
		else if (is_dir)
			ka_run_add_input(run, cli->module_dirs.v[i],
					 "directory", true);
	}
	read_module_exports(run, &o->modules);
	o->debug_root = run->debug_root ? run->debug_root : "/usr/lib/debug";
	return 0;
}

void ka_tree_inputs_free(struct ka_tree_inputs *in)
{
	if (!in)
		return;
	strvec_free(&in->module_dirs);
	strvec_free(&in->symvers);
	free(in->owned_vmlinux);
	*in = (struct ka_tree_inputs){ 0 };
}
