/* ksymaudit check: audit modules against a kernel's exports, as modpost. */
#include <getopt.h>
#include <stdlib.h>

#include "ksymaudit/checks.h"
#include "ksymaudit/sites.h"
#include "cmd.h"

static int set_explain_all(struct ka_cli *c, const char *arg) { (void)arg; c->run.explain_all = true; return 0; }
static int set_no_explain(struct ka_cli *c, const char *arg) { (void)arg; c->run.explain = false; return 0; }
static int set_debuginfo(struct ka_cli *c, const char *arg) { c->run.debuginfo_dir = arg; return 0; }
static int set_debuginfod(struct ka_cli *c, const char *arg) { (void)arg; c->run.debuginfod = true; return 0; }
static int set_release(struct ka_cli *c, const char *arg) { c->release = arg; return 0; }
static int set_root(struct ka_cli *c, const char *arg) { c->root = arg; return 0; }

static const struct ka_opt options[] = {
	KA_OPT_HEAD("Modules by name:"),
	{"release", 0, "VER", "the release whose modules names are looked up\n"
	 "in (default: the running kernel's)", set_release},
	{"root", 0, "DIR", "an unpacked or mounted system: DIR/lib/modules/VER\n"
	 "(indexes from depmod -b DIR VER) and its headers", set_root},
	KA_OPT_HEAD("Kernel side (default: the kernel named by the first module's vermagic,\n"
		    "/lib/modules/VERSION/build, else the running kernel's; with --root,\n"
		    "DIR/usr/src/linux-headers-VERSION first):"),
	KA_OPT_ROWS(ka_kernel_rows),
	KA_OPT_HEAD("Audit:"),
	KA_OPT_ROWS(ka_license_rows),
	KA_OPT_ROWS(ka_run_rows),
	{"explain-all", 0, NULL, "attribute every GPL-only import, in GPL modules too",
	 set_explain_all},
	{"no-explain", 0, NULL, "do not attribute sites (no debug info is read)",
	 set_no_explain},
	{"debuginfo", 0, "DIR", "also look for separate debug files under DIR",
	 set_debuginfo},
	{"debuginfod", 0, NULL, "allow debuginfod to fetch debug info (off by default)",
	 set_debuginfod},
	KA_OPT_ROWS(ka_output_rows),
	KA_OPT_END,
};

static void help_tail(FILE *out)
{
	ka_cmd_help_checks(out, KA_SCOPE_MODULE);
	ka_cmd_help_exit(out);
}

static int do_check(int argc, char *argv[])
{
	struct ka_cli c;
	struct strvec operands = { 0 };
	char *auto_kernel = NULL;
	int status = ka_cli_parse(&c, &ka_cmd_check, argc, argv);
	const struct ka_tree_inputs *k = &c.side;

	if (status >= 0)
		goto out;
	if (optind >= argc) {
		status = ka_cli_usage(&c, "no module given");
		goto out;
	}
	ka_cmd_set_active_checks(&c.run, KA_SCOPE_MODULE);
	if (ka_run_load_rules(&c.run) < 0)
		goto finish; /* without the license list no verdict is sound */
	ka_module_operands(&c.run, argv + optind, (size_t)(argc - optind),
			   c.root, c.release, &operands);
	/*
	 * The kernel's exports go first, so that they win over a module that
	 * exports the same name; without a kernel side the modules' vermagic
	 * names it, so then the modules are read first. A kernel side that
	 * cannot be read is reported (exit 2); the modules are still read and
	 * audited against what was read.
	 */
	bool given = k->kernel || k->symvers.n || k->vmlinux;
	if (given)
		(void)ka_kernel_load(&c.run, k->kernel, &k->symvers, k->vmlinux);
	for (size_t i = 0; i < operands.n; i++)
		ka_modules_collect(&c.run, operands.v[i]);
	if (!given) {
		auto_kernel = ka_layout_kernel_dir(&c.run, c.root, c.release);
		if (!auto_kernel) {
			ka_diag_add(&c.run.diags, true, NULL, 0,
				    "no kernel exports to check against: give --kernel, --symvers or --vmlinux");
			goto finish;
		}
		if (ka_kernel_load(&c.run, auto_kernel, NULL, NULL) < 0)
			goto finish;
	}
	ka_checks_run_modules(&c.run);
	if (c.run.explain || c.run.explain_all)
		ka_sites_attribute(&c.run);
finish:
	status = ka_cmd_finish(&c.run, &c.o);
out:
	strvec_free(&operands);
	free(auto_kernel);
	ka_cli_free(&c);
	return status;
}

const struct ka_command ka_cmd_check = {
	.name = "check",
	.handler = do_check,
	.help = "audit modules against a kernel's exports (modpost's verdict, explained)",
	.usage = "[OPTIONS] MODULE...",
	.about = "Audit kernel modules against a kernel's exports, as modpost does, and\n"
		 "explain every GPL-only use down to the header inline and source line.\n"
		 "MODULE is a .ko, .ko.xz, .ko.zst, .ko.gz, a module .o, or a directory\n"
		 "searched recursively (a /lib/modules/VERSION tree included), or a\n"
		 "module name as modinfo takes it (zfs, nvidia-uvm, an alias), found\n"
		 "with its dependencies in the release's depmod indexes (libkmod).\n",
	.options = options,
	.help_tail = help_tail,
};
