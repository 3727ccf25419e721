/*
 * ksymaudit upgrade --to NEW: will the out-of-tree modules of this system
 * (updates/, extra/, DKMS's tree) survive kernel NEW? diff's module-breaks
 * (src/cmd/diff.c) on what is installed: OLD and NEW are found in the
 * system's layout (headers' Module.symvers, the debug vmlinux when there),
 * the modules in OLD's module tree, and diff's engine runs in its upgrade
 * mode. For a package hook: exit 0 nothing breaks, 1 a module breaks,
 * 2 an input could not be read.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "ksymaudit/checks.h"
#include "cmd.h"

static void help(FILE *out)
{
	fputs("Usage: ksymaudit upgrade [OPTIONS] --to NEW [MODULE...]\n"
	      "Will this system's out-of-tree modules survive kernel NEW? Every\n"
	      "module of OLD under /lib/modules/OLD/updates and /extra and in DKMS's\n"
	      "tree (/var/lib/dkms/*/*/OLD/*/module), or the MODULEs given (paths or\n"
	      "names as modinfo takes them), is audited against NEW's Module.symvers\n"
	      "and, where NEW's debug vmlinux is installed, NEW's header inlines, as a\n"
	      "rebuild by DKMS would meet them: exports made GPL-only, moved into a\n"
	      "namespace or removed (a warning: the rebuild resolves most), header\n"
	      "inlines that newly reach GPL-only exports, the loader's inherited\n"
	      "proprietary taint and symbol_get() rules (module-breaks, symbol-get).\n"
	      "\n"
	      "Kernels:\n"
	      "      --from OLD         the release the modules are built for (default:\n"
	      "                         the running kernel's)\n"
	      "      --to NEW           the release being installed\n"
	      "      --root DIR         the system is under DIR (both releases)\n"
	      "      --from-root DIR, --to-root DIR  each release under its own DIR\n"
	      "                         (packages unpacked with dpkg-deb -x)\n"
	      "      --dkms DIR         DKMS's tree (default ROOT/var/lib/dkms)\n"
	      "  -m, --module MODULE    audit this module (repeatable), not the tree\n"
	      "      --debug-root DIR   separate debug files of the modules\n"
	      "  -l, --license STRING   audit the modules as if their license were STRING\n"
	      "  -t, --threads N        files processed in parallel per kernel\n"
	      "  -w, --waivers FILE     also read waivers from FILE (repeatable)\n"
	      "  -r, --rules DIR        rules directory\n"
	      "\n",
	      out);
	ka_cmd_help_output(out, false);
	fputs("\nChecks: module-breaks, symbol-get, waiver-unused.\n"
	      "Exit status: 0 nothing at or above --fail-on breaks (no module is\n"
	      "a note), 1 a module breaks, 2 an input (NEW's headers, a module)\n"
	      "could not be read or the usage is wrong. See ksymaudit(1).\n", out);
}

/* diff's options that take a value, forwarded as they are. */
static bool forwarded_with_value(const char *a)
{
	static const char *const opts[] = {
		"-f", "--format", "-o", "--output", "-r", "--rules", "-w",
		"--waivers", "-t", "--threads", "-l", "--license", "--fail-on",
		"--baseline", "--source-root", "--path-prefix-map",
		"--debug-root", "--max-depth",
	};
	for (size_t i = 0; i < KA_ARRAY_SIZE(opts); i++)
		if (!strcmp(a, opts[i]))
			return true;
	return false;
}

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* ROOT + pattern with its "%s" replaced by rel, owned. */
static char *under(const char *root, const char *pattern, const char *rel)
{
	const char *hole = strstr(pattern, "%s");
	if (!hole)
		hole = pattern + strlen(pattern);
	return xasprintf("%s%.*s%s%s", root && strcmp(root, "/") ? root : "",
			 (int)(hole - pattern), pattern, *hole ? rel : "",
			 *hole ? hole + 2 : "");
}

/* The first of the release's candidate files that exists (owned), or NULL. */
static char *first_of(const char *root, const char *rel,
		      const char *const *fmts, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *p = under(root, fmts[i], rel);
		if (exists(p))
			return p;
		free(p);
	}
	return NULL;
}

static const char *const symvers_at[] = {
	"/usr/src/linux-headers-%s/Module.symvers",
	"/lib/modules/%s/build/Module.symvers",
	"/usr/lib/modules/%s/build/Module.symvers",
};
static const char *const vmlinux_at[] = {
	"/usr/lib/debug/boot/vmlinux-%s",
	"/usr/lib/debug/vmlinux-%s",
	"/usr/lib/debug/lib/modules/%s/vmlinux",
	"/lib/modules/%s/build/vmlinux",
};

/* Adds the modules of DKMS's tree built for rel whose names are new. */
static void dkms_modules(struct ka_run *run, const char *dkms, const char *rel,
			 struct strvec *names, struct strvec *out)
{
	DIR *pk = opendir(dkms);
	struct dirent *p, *v;
	if (!pk)
		return;
	while ((p = readdir(pk))) {
		if (p->d_name[0] == '.')
			continue;
		char *pd = xasprintf("%s/%s", dkms, p->d_name);
		DIR *vd = opendir(pd);
		while (vd && (v = readdir(vd))) {
			if (v->d_name[0] == '.')
				continue;
			char *kd = xasprintf("%s/%s/%s", pd, v->d_name, rel);
			DIR *ad = opendir(kd);
			struct dirent *a;
			while (ad && (a = readdir(ad))) {
				if (a->d_name[0] == '.')
					continue;
				char *md = xasprintf("%s/%s/module", kd, a->d_name);
				struct strvec found = { 0 };
				bool is_dir;
				if (exists(md) &&
				    ka_modules_find(md, &found, &run->diags, &is_dir) == 0)
					for (size_t i = 0; i < found.n; i++) {
						char *nm = ka_module_name_from_path(found.v[i]);
						if (!strvec_contains(names, nm)) {
							strvec_push(names, nm);
							strvec_push(out, found.v[i]);
						}
						free(nm);
					}
				strvec_free(&found);
				free(md);
			}
			if (ad)
				closedir(ad);
			free(kd);
		}
		if (vd)
			closedir(vd);
		free(pd);
	}
	closedir(pk);
}

/* The out-of-tree modules of rel: updates/, extra/, then DKMS's tree. */
static void installed_modules(struct ka_run *run, const char *root,
			      const char *rel, const char *dkms,
			      struct strvec *out)
{
	static const char *const dirs[] = {
		"/lib/modules/%s/updates", "/lib/modules/%s/extra",
		"/usr/lib/modules/%s/updates", "/usr/lib/modules/%s/extra",
	};
	struct strvec names = { 0 };
	for (size_t i = 0; i < KA_ARRAY_SIZE(dirs); i++) {
		char *d = under(root, dirs[i], rel);
		struct strvec found = { 0 };
		bool is_dir;
		if (exists(d) && ka_modules_find(d, &found, &run->diags, &is_dir) == 0)
			for (size_t k = 0; k < found.n; k++) {
				char *nm = ka_module_name_from_path(found.v[k]);
				if (!strvec_contains(&names, nm)) {
					strvec_push(&names, nm);
					strvec_push(out, found.v[k]);
				}
				free(nm);
			}
		strvec_free(&found);
		free(d);
	}
	char *dk = dkms ? xstrdup(dkms) : under(root, "/var/lib/dkms", "");
	dkms_modules(run, dk, rel, &names, out);
	free(dk);
	strvec_free(&names);
}

static int do_upgrade(int argc, char *argv[])
{
	const char *from = NULL, *to = NULL, *root = NULL, *from_root = NULL,
		   *to_root = NULL, *dkms = NULL;
	struct strvec fwd = { 0 }, given = { 0 }, modules = { 0 };
	struct ka_run scratch;
	struct utsname u;
	int status = KA_EXIT_ERROR;

	ka_run_init(&scratch, "upgrade");
	strvec_push(&fwd, "upgrade");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = !strcmp(a, "--from") ? &from
			: !strcmp(a, "--to") ? &to
			: !strcmp(a, "--root") ? &root
			: !strcmp(a, "--from-root") ? &from_root
			: !strcmp(a, "--to-root") ? &to_root
			: !strcmp(a, "--dkms") ? &dkms : NULL;
		bool module = !strcmp(a, "-m") || !strcmp(a, "--module");
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help(stdout);
			status = KA_EXIT_OK;
			goto out;
		}
		if (slot || module || forwarded_with_value(a)) {
			if (i + 1 >= argc) {
				ka_err("upgrade: %s needs a value", a);
				goto usage;
			}
			if (slot)
				*slot = argv[++i];
			else if (module)
				strvec_push(&given, argv[++i]);
			else {
				strvec_push(&fwd, a);
				strvec_push(&fwd, argv[++i]);
			}
		} else if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				strvec_push(&given, argv[i]);
		} else if (a[0] == '-' && a[1]) {
			strvec_push(&fwd, a); /* -j, -p, -v, --opt=value, ... */
		} else {
			strvec_push(&given, a);
		}
	}
	if (!to) {
		ka_err("upgrade: give --to NEW, the release being installed");
		goto usage;
	}
	if (!from)
		from = uname(&u) == 0 ? u.release : NULL;
	if (!from) {
		ka_err("upgrade: cannot tell the running kernel; give --from");
		goto usage;
	}
	if (!from_root)
		from_root = root;
	if (!to_root)
		to_root = root;

	if (given.n) {
		struct strvec found = { 0 };
		ka_cmd_module_operands(&scratch, given.v, given.n, from_root,
				       from, &found);
		/* Names bring their dependencies; the in-tree ones (under
		 * OLD's kernel/) are replaced by NEW's own. */
		char *intree = xasprintf("/modules/%s/kernel/", from);
		for (size_t i = 0; i < found.n; i++)
			if (!strstr(found.v[i], intree) ||
			    strvec_contains(&given, found.v[i]))
				strvec_push(&modules, found.v[i]);
		free(intree);
		strvec_free(&found);
	} else
		installed_modules(&scratch, from_root, from, dkms, &modules);

	/* Problems found so far come first; diff's report follows. */
	for (size_t i = 0; i < scratch.diags.n; i++) {
		const struct ka_diag *d = &scratch.diags.v[i];
		ka_err("%s%s%s", d->file ? d->file : "", d->file ? ": " : "",
		       d->message);
	}
	if (ka_diags_have_fatal(&scratch.diags))
		goto out;

	char *osym = first_of(from_root, from, symvers_at, KA_ARRAY_SIZE(symvers_at));
	char *nsym = first_of(to_root, to, symvers_at, KA_ARRAY_SIZE(symvers_at));
	char *ovml = first_of(from_root, from, vmlinux_at, KA_ARRAY_SIZE(vmlinux_at));
	char *nvml = first_of(to_root, to, vmlinux_at, KA_ARRAY_SIZE(vmlinux_at));
	if (!osym || !nsym) {
		char *p = under(!osym ? from_root : to_root, symvers_at[0],
				!osym ? from : to);
		ka_err("upgrade: no Module.symvers of %s (%s: install its "
		       "headers package)", !osym ? from : to, p);
		free(p);
		free(osym);
		free(nsym);
		free(ovml);
		free(nvml);
		goto out;
	}
	strvec_push(&fwd, "--old-symvers");
	strvec_push_owned(&fwd, osym);
	strvec_push(&fwd, "--new-symvers");
	strvec_push_owned(&fwd, nsym);
	if (ovml) {
		strvec_push(&fwd, "--old-vmlinux");
		strvec_push_owned(&fwd, ovml);
	}
	if (nvml) {
		strvec_push(&fwd, "--new-vmlinux");
		strvec_push_owned(&fwd, nvml);
	}
	for (size_t i = 0; i < modules.n; i++) {
		strvec_push(&fwd, "-m");
		strvec_push(&fwd, modules.v[i]);
	}
	if (!modules.n)
		fprintf(stderr, "ksymaudit: upgrade: no out-of-tree module of %s "
			"found: nothing to audit\n", from);
	static const struct ka_diff_mode mode = { .command = "upgrade",
						  .upgrade = true };
	status = ka_diff_run((int)fwd.n, fwd.v, &mode);
	goto out;
usage:
	fputs("Try 'ksymaudit upgrade --help'.\n", stderr);
	status = KA_EXIT_ERROR;
out:
	strvec_free(&fwd);
	strvec_free(&given);
	strvec_free(&modules);
	ka_run_free(&scratch);
	return status;
}

const struct ka_command ka_cmd_upgrade = {
	.name = "upgrade",
	.handler = do_upgrade,
	.help = "will the installed out-of-tree modules survive kernel NEW?",
};
