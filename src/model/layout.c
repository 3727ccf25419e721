/*
 * Debian's layout of a kernel release, the one place that spells it: where
 * the debug vmlinux, the debug modules, the headers' Module.symvers, the
 * build directory and the out-of-tree modules of a release are, under /
 * or under the root of packages unpacked with dpkg-deb -x.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "ksymaudit/side.h"

static bool exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* root + pattern with its "%s" replaced by rel, owned. */
static char *under(const char *root, const char *pattern, const char *rel)
{
	const char *hole = strstr(pattern, "%s");
	if (!hole)
		hole = pattern + strlen(pattern);
	return xasprintf("%s%.*s%s%s", root && strcmp(root, "/") ? root : "",
			 (int)(hole - pattern), pattern, *hole ? rel : "",
			 *hole ? hole + 2 : "");
}

static const char *const symvers_at[] = {
	"/usr/src/linux-headers-%s/Module.symvers",
	"/lib/modules/%s/build/Module.symvers",
	"/usr/lib/modules/%s/build/Module.symvers",
	NULL,
};
static const char *const vmlinux_at[] = {
	"/usr/lib/debug/boot/vmlinux-%s",
	"/usr/lib/debug/vmlinux-%s",
	"/usr/lib/debug/lib/modules/%s/vmlinux",
	"/lib/modules/%s/build/vmlinux",
	NULL,
};
#define DEBUG_MODULES_AT "/usr/lib/debug/lib/modules/%s/kernel"

void ka_tree_inputs_resolve(struct ka_tree_inputs *in)
{
	const char *r = in->root, *v = in->release;
	if (!v)
		return;
	if (!in->vmlinux)
		in->vmlinux = in->owned_vmlinux = under(r, vmlinux_at[0], v);
	if (!in->module_dirs.n)
		strvec_push_owned(&in->module_dirs, under(r, DEBUG_MODULES_AT, v));
	char *p = under(r, symvers_at[0], v);
	if (!in->symvers.n && access(p, R_OK) == 0)
		strvec_push_owned(&in->symvers, p);
	else
		free(p);
}

char *ka_layout_find(const char *root, const char *rel,
		     enum ka_layout_file what, char **first)
{
	const char *const *fmts = what == KA_LAYOUT_SYMVERS ? symvers_at
							   : vmlinux_at;
	if (first)
		*first = under(root, fmts[0], rel);
	for (size_t i = 0; fmts[i]; i++) {
		char *p = under(root, fmts[i], rel);
		if (exists(p))
			return p;
		free(p);
	}
	return NULL;
}

/* First word of vermagic: the kernel release the module was built for. */
static char *vermagic_release(const struct ka_run *run)
{
	for (size_t i = 0; i < run->n_modules; i++) {
		const char *v = run->modules[i]->vermagic;
		if (v && *v)
			return xstrndup(v, strcspn(v, " "));
	}
	return NULL;
}

char *ka_layout_kernel_dir(const struct ka_run *run, const char *root,
			   const char *release)
{
	char *rel = vermagic_release(run), *found = NULL;
	struct utsname u;
	const char *releases[2] = {rel ? rel : release,
				   release ? release
				   : uname(&u) == 0 ? u.release : NULL};
	/* Under a root, build/ links to the host's /usr/src. */
	const char *fmts[2] = {"/lib/modules/%s/build", "/usr/src/linux-headers-%s"};
	bool rooted = root && strcmp(root, "/");

	for (size_t i = 0; i < 2 && !found; i++) {
		if (!releases[i])
			continue;
		for (size_t j = 0; j < 2 && !found; j++) {
			char *dir = under(root, fmts[rooted ? 1 - j : j],
					  releases[i]);
			char *sv = xasprintf("%s/Module.symvers", dir);
			if (exists(sv))
				found = dir;
			else
				free(dir);
			free(sv);
		}
	}
	free(rel);
	return found;
}

/* Adds the modules under dir whose names are not in names yet. */
static void add_new_modules(struct ka_run *run, const char *dir,
			    struct strvec *names, struct strvec *out)
{
	struct strvec found = { 0 };
	bool is_dir;
	if (exists(dir) && ka_modules_find(dir, &found, &run->diags, &is_dir) == 0)
		for (size_t i = 0; i < found.n; i++) {
			char *nm = ka_module_name_from_path(found.v[i]);
			if (!strvec_contains(names, nm)) {
				strvec_push(names, nm);
				strvec_push(out, found.v[i]);
			}
			free(nm);
		}
	strvec_free(&found);
}

/* The entries of dir but . and .., as dir/NAME, sorted as readdir gives. */
static void subdirs(const char *dir, struct strvec *out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.')
			strvec_push_owned(out, xasprintf("%s/%s", dir, e->d_name));
	if (d)
		closedir(d);
}

void ka_layout_oot_modules(struct ka_run *run, const char *root,
			   const char *rel, const char *dkms,
			   struct strvec *out)
{
	static const char *const dirs[] = {
		"/lib/modules/%s/updates", "/lib/modules/%s/extra",
		"/usr/lib/modules/%s/updates", "/usr/lib/modules/%s/extra",
	};
	struct strvec names = { 0 }, pkgs = { 0 };
	for (size_t i = 0; i < KA_ARRAY_SIZE(dirs); i++) {
		char *d = under(root, dirs[i], rel);
		add_new_modules(run, d, &names, out);
		free(d);
	}
	/* DKMS: PACKAGE/VERSION/REL/ARCH/module. */
	char *dk = dkms ? xstrdup(dkms) : under(root, "/var/lib/dkms", "");
	subdirs(dk, &pkgs);
	for (size_t i = 0; i < pkgs.n; i++) {
		struct strvec vers = { 0 };
		subdirs(pkgs.v[i], &vers);
		for (size_t j = 0; j < vers.n; j++) {
			struct strvec arches = { 0 };
			char *kd = xasprintf("%s/%s", vers.v[j], rel);
			subdirs(kd, &arches);
			for (size_t k = 0; k < arches.n; k++) {
				char *md = xasprintf("%s/module", arches.v[k]);
				add_new_modules(run, md, &names, out);
				free(md);
			}
			strvec_free(&arches);
			free(kd);
		}
		strvec_free(&vers);
	}
	strvec_free(&pkgs);
	free(dk);
	strvec_free(&names);
}
