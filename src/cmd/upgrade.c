/*
 * ksymaudit upgrade --to NEW: will the out-of-tree modules of this system
 * (updates/, extra/, DKMS's tree) survive kernel NEW? diff's module-breaks
 * on what is installed: OLD and NEW are found in the system's layout
 * (src/model/layout.c: headers' Module.symvers, the debug vmlinux when
 * there), the modules in OLD's module tree, and diff's engine runs in its
 * upgrade mode. For a package hook: exit 0 nothing breaks, 1 a module
 * breaks, 2 an input could not be read.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cmd.h"

static int set_from(struct ka_cli *c, const char *arg) { c->release = arg; return 0; }
static int set_to(struct ka_cli *c, const char *arg) { c->to = arg; return 0; }
static int set_root(struct ka_cli *c, const char *arg) { c->root = arg; return 0; }
static int set_from_root(struct ka_cli *c, const char *arg) { c->from_root = arg; return 0; }
static int set_to_root(struct ka_cli *c, const char *arg) { c->to_root = arg; return 0; }
static int set_dkms(struct ka_cli *c, const char *arg) { c->dkms = arg; return 0; }
static int set_module(struct ka_cli *c, const char *arg)
{
	strvec_push(&c->modules, arg);
	return 0;
}

static const struct ka_opt options[] = {
	KA_OPT_HEAD("Kernels:"),
	{"from", 0, "OLD", "the release the modules are built for (default:\n"
	 "the running kernel's)", set_from},
	{"to", 0, "NEW", "the release being installed", set_to},
	{"root", 0, "DIR", "the system is under DIR (both releases)", set_root},
	{"from-root", 0, "DIR", "OLD is under DIR (packages unpacked with\n"
	 "dpkg-deb -x)", set_from_root},
	{"to-root", 0, "DIR", "NEW is under DIR", set_to_root},
	{"dkms", 0, "DIR", "DKMS's tree (default ROOT/var/lib/dkms)", set_dkms},
	{"module", 'm', "MODULE", "audit this module (repeatable), not the tree",
	 set_module},
	KA_OPT_ROWS(ka_license_rows),
	KA_OPT_ROWS(ka_run_rows),
	KA_OPT_ROWS(ka_walk_rows),
	KA_OPT_ROWS(ka_output_rows),
	KA_OPT_END,
};

static void help_tail(FILE *out)
{
	fputs("Checks: module-breaks, symbol-get, waiver-unused.\n"
	      "Exit status: 0 nothing at or above --fail-on breaks (no module is\n"
	      "a note), 1 a module breaks, 2 an input (NEW's headers, a module)\n"
	      "could not be read or the usage is wrong. See ksymaudit(1).\n", out);
}

/* The modules to audit: those given (names with their dependencies, the
 * in-tree ones replaced by NEW's own), else OLD's out-of-tree ones. */
static void find_modules(struct ka_cli *c, struct ka_run *scratch,
			 const char *from, struct strvec *out)
{
	if (!c->modules.n) {
		ka_layout_oot_modules(scratch, c->from_root, from, c->dkms, out);
		return;
	}
	struct strvec found = { 0 };
	ka_module_operands(scratch, c->modules.v, c->modules.n, c->from_root,
			   from, &found);
	char *intree = xasprintf("/modules/%s/kernel/", from);
	for (size_t i = 0; i < found.n; i++)
		if (!strstr(found.v[i], intree) ||
		    strvec_contains(&c->modules, found.v[i]))
			strvec_push(out, found.v[i]);
	free(intree);
	strvec_free(&found);
}

static int do_upgrade(int argc, char *argv[])
{
	struct ka_cli c;
	struct ka_run scratch;
	struct strvec modules = { 0 };
	struct utsname u;
	int status = ka_cli_parse(&c, &ka_cmd_upgrade, argc, argv);

	ka_run_init(&scratch, "upgrade");
	if (status >= 0)
		goto out;
	for (int i = optind; i < argc; i++)
		strvec_push(&c.modules, argv[i]);
	const char *from = c.release ? c.release
			   : uname(&u) == 0 ? u.release : NULL;
	if (!c.to || !from) {
		status = ka_cli_usage(&c, "%s", !c.to
			? "give --to NEW, the release being installed"
			: "cannot tell the running kernel; give --from");
		goto out;
	}
	if (!c.from_root)
		c.from_root = c.root;
	if (!c.to_root)
		c.to_root = c.root;
	find_modules(&c, &scratch, from, &modules);
	/* Problems found so far come first; diff's report follows. */
	for (size_t i = 0; i < scratch.diags.n; i++) {
		const struct ka_diag *d = &scratch.diags.v[i];
		ka_err("%s%s%s", d->file ? d->file : "", d->file ? ": " : "",
		       d->message);
	}
	status = KA_EXIT_ERROR;
	if (ka_diags_have_fatal(&scratch.diags))
		goto out;
	char *ofirst, *nfirst;
	char *osym = ka_layout_find(c.from_root, from, KA_LAYOUT_SYMVERS, &ofirst);
	char *nsym = ka_layout_find(c.to_root, c.to, KA_LAYOUT_SYMVERS, &nfirst);
	if (!osym || !nsym)
		ka_err("upgrade: no Module.symvers of %s (%s: install its "
		       "headers package)", !osym ? from : c.to,
		       !osym ? ofirst : nfirst);
	free(ofirst);
	free(nfirst);
	if (!osym || !nsym) {
		free(osym);
		free(nsym);
		goto out;
	}
	strvec_push_owned(&c.old.k.spec.symvers, osym);
	strvec_push_owned(&c.nw.k.spec.symvers, nsym);
	c.old.k.spec.vmlinux = c.old.k.spec.owned_vmlinux =
		ka_layout_find(c.from_root, from, KA_LAYOUT_VMLINUX, NULL);
	c.nw.k.spec.vmlinux = c.nw.k.spec.owned_vmlinux =
		ka_layout_find(c.to_root, c.to, KA_LAYOUT_VMLINUX, NULL);
	c.old.by_options = c.nw.by_options = true;
	if (!modules.n)
		ka_err("upgrade: no out-of-tree module of %s found: nothing to audit",
		       from);
	strvec_free(&c.modules);
	c.modules = modules;
	modules = (struct strvec){ 0 };
	status = ka_cmd_diff_run(&c, true);
out:
	strvec_free(&modules);
	ka_run_free(&scratch);
	ka_cli_free(&c);
	return status;
}

const struct ka_command ka_cmd_upgrade = {
	.name = "upgrade",
	.handler = do_upgrade,
	.help = "will the installed out-of-tree modules survive kernel NEW?",
	.usage = "[OPTIONS] --to NEW [MODULE...]",
	.about = "Will this system's out-of-tree modules survive kernel NEW? Every\n"
		 "module of OLD under /lib/modules/OLD/updates and /extra and in DKMS's\n"
		 "tree (/var/lib/dkms/*/*/OLD/*/module), or the MODULEs given (paths or\n"
		 "names as modinfo takes them), is audited against NEW's Module.symvers\n"
		 "and, where NEW's debug vmlinux is installed, NEW's header inlines, as a\n"
		 "rebuild by DKMS would meet them: exports made GPL-only, moved into a\n"
		 "namespace or removed (a warning: the rebuild resolves most), header\n"
		 "inlines that newly reach GPL-only exports, the loader's inherited\n"
		 "proprietary taint and symbol_get() rules (module-breaks, symbol-get).\n",
	.options = options,
	.help_tail = help_tail,
};
