/*
 * Inputs of a whole-kernel run (tree, explain): the kernel image, every
 * module file of a tree, their exports, and Debian's debug layout.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/graph.h"

static bool is_module_file(const char *n)
{
	return str_ends(n, ".ko") || str_ends(n, ".ko.xz") ||
	       str_ends(n, ".ko.zst") || str_ends(n, ".ko.gz");
}

static void collect(const char *path, struct strvec *out, struct ka_diags *d,
		    unsigned depth)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		ka_diag_add(d, true, path, 0, "cannot read: %s", strerror(errno));
		return;
	}
	if (S_ISREG(st.st_mode)) {
		strvec_push(out, path);
		return;
	}
	if (!S_ISDIR(st.st_mode) || depth > 32)
		return;
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		ka_diag_add(d, true, path, 0, "cannot read directory: %s",
			    strerror(errno));
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *nm = ents[i]->d_name;
		if (nm[0] != '.') {
			char *sub = xasprintf("%s/%s", path, nm);
			struct stat s2;
			if (lstat(sub, &s2) == 0 &&
			    (S_ISDIR(s2.st_mode) ||
			     (S_ISREG(s2.st_mode) && is_module_file(nm))))
				collect(sub, out, d, depth + 1);
			free(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

int ka_tree_cli_parse(const char *cmd, int argc, char *argv[],
		      void (*help)(FILE *out), struct ka_tree_cli *cli,
		      struct ka_run *run, struct ka_output_opts *o)
{
	static const struct option longopts[] = {
		KA_TREE_LONGOPTS,
		{"help", no_argument, NULL, 'h'},
		KA_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h" KA_TREE_SHORTOPTS
				KA_COMMON_SHORTOPTS, longopts, NULL)) != -1) {
		int r;

		if (c == 'h') {
			help(stdout);
			return KA_EXIT_OK;
		}
		r = ka_tree_cli_opt(cli, run, c, optarg);
		if (r == 0)
			r = ka_output_opt(o, c, optarg);
		if (r == 1)
			continue;
		if (r == 0)
			fprintf(stderr, "Try 'ksymaudit %s --help'.\n", cmd);
		return KA_EXIT_ERROR;
	}
	return -1;
}

void ka_tree_progress(unsigned done, unsigned total, void *cmd)
{
	fprintf(stderr, "\rksymaudit: %s: %u/%u files", (const char *)cmd,
		done, total);
	if (done == total)
		fputc('\n', stderr);
}

int ka_tree_cli_opt(struct ka_tree_cli *cli, struct ka_run *run, int opt,
		    const char *arg)
{
	char *end;
	unsigned long v;
	switch (opt) {
	case 'k': cli->kernel = arg; return 1;
	case 'm': strvec_push(&cli->module_dirs, arg); return 1;
	case 's': strvec_push(&cli->symvers, arg); return 1;
	case 'w': strvec_push(&cli->waivers, arg); return 1;
	case KA_TOPT_VMLINUX: cli->vmlinux = arg; return 1;
	case KA_TOPT_RELEASE: cli->release = arg; return 1;
	case KA_TOPT_DEBUG_ROOT: cli->debug_root = arg; return 1;
	case 't':
	case KA_TOPT_MAX_DEPTH:
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (errno || *end || !*arg || v == 0 || v > 16) {
			ka_err("%s takes a number from 1 to 16, not '%s'",
			       opt == 't' ? "--threads" : "--max-depth", arg);
			return -1;
		}
		if (opt == 't')
			cli->threads = (unsigned)v;
		else
			run->max_depth = (unsigned)v;
		return 1;
	}
	return 0;
}

void ka_tree_cli_free(struct ka_tree_cli *cli)
{
	strvec_free(&cli->module_dirs);
	strvec_free(&cli->symvers);
	strvec_free(&cli->waivers);
	free(cli->owned_vmlinux);
}

static char *module_owner(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	char *n = xstrndup(b, strcspn(b, "."));
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

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
		char *owner = module_owner(mods->v[i]);
		int r = ka_elf_exports_read(&e, owner, NULL, &run->exports,
					    &run->diags);
		ka_run_add_input(run, mods->v[i], "module", r >= 0);
		free(owner);
		ka_elf_close(&e);
	}
}

int ka_tree_inputs_setup(struct ka_run *run, struct ka_tree_cli *cli,
			 struct ka_tree_opts *o)
{
	if (cli->release) {
		char *p = xasprintf("/usr/lib/debug/boot/vmlinux-%s", cli->release);
		if (!cli->vmlinux)
			cli->vmlinux = cli->owned_vmlinux = p;
		else
			free(p);
		if (!cli->module_dirs.n)
			strvec_push_owned(&cli->module_dirs,
					  xasprintf("/usr/lib/debug/lib/modules/%s/kernel",
						    cli->release));
		p = xasprintf("/usr/src/linux-headers-%s/Module.symvers",
			      cli->release);
		if (!cli->symvers.n && access(p, R_OK) == 0)
			strvec_push_owned(&cli->symvers, p);
		else
			free(p);
	}
	if (!cli->kernel && !cli->symvers.n && !cli->vmlinux) {
		ka_diag_add(&run->diags, true, run->command, 0,
			    "no kernel given: use --release, --kernel, or "
			    "--vmlinux with --modules and --symvers");
		return -EINVAL;
	}
	if (ka_kernel_load(run, cli->kernel, &cli->symvers, cli->vmlinux) < 0)
		return -ENOENT;
	o->vmlinux = cli->vmlinux ? cli->vmlinux : run->kernel_image;
	if (!o->vmlinux)
		ka_diag_add(&run->diags, false, run->command, 0,
			    "no kernel image: only modules are walked");
	if (cli->kernel && !cli->module_dirs.n)
		strvec_push(&cli->module_dirs, cli->kernel);
	for (size_t i = 0; i < cli->module_dirs.n; i++)
		collect(cli->module_dirs.v[i], &o->modules, &run->diags, 0);
	read_module_exports(run, &o->modules);
	for (size_t i = 0; i < cli->waivers.n; i++)
		ka_waivers_load(cli->waivers.v[i], &run->rules, &run->diags);
	o->debug_root = cli->debug_root ? cli->debug_root : "/usr/lib/debug";
	o->threads = cli->threads;
	return 0;
}
