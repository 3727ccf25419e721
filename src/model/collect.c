/*
 * Finding modules: files named on the command line, and directories searched
 * recursively (a /lib/modules/VERSION tree or a Kbuild output directory).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/run.h"

static bool is_module_name(const char *n)
{
	return str_ends(n, ".ko") || str_ends(n, ".ko.xz") ||
	       str_ends(n, ".ko.zst") || str_ends(n, ".ko.gz");
}

static bool exists(const char *dir, const char *stem, const char *suffix)
{
	char *p = xasprintf("%s/%s%s", dir, stem, suffix);
	bool r = access(p, F_OK) == 0;
	free(p);
	return r;
}

/*
 * A .o in a directory is a module object when Kbuild left a .mod file for it
 * (modpost's input) and no linked .ko sits beside it.
 */
static bool is_module_object(const char *dir, const char *n)
{
	char *stem;
	bool r;

	if (!str_ends(n, ".o") || str_ends(n, ".mod.o"))
		return false;
	stem = xstrndup(n, strlen(n) - 2);
	r = exists(dir, stem, ".mod") && !exists(dir, stem, ".ko");
	free(stem);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Module.symvers names a module by path without .ko ("kernel/fs/foo"). */
static bool owner_is(const char *owner, const char *name)
{
	const char *base = strrchr(owner, '/');

	base = base ? base + 1 : owner;
	for (; *base && *name; base++, name++)
		if (*base != *name && !(*base == '-' && *name == '_'))
			return false;
	return !*base && !*name;
}

static void load_one(struct ka_run *run, const char *path)
{
	struct ka_module *m = xcalloc(1, sizeof(*m));

	if (ka_module_load(run->kmod, path, &run->exports, &run->diags, m) < 0) {
		free(m);
		ka_run_add_input(run, path, "module", false);
		return;
	}
	for (size_t i = 0; i < m->n_exports; i++) {
		struct ka_export *e = m->exports[i];
		struct ka_export *known = hashmap_get(&run->exports.by_name, e->name);

		e->module = m;
		/* A Module.symvers line for this very module: link it too. */
		if (known && known != e && !known->module &&
		    owner_is(known->owner, m->name))
			known->module = m;
	}
	ARRAY_GROW(run->modules, run->n_modules, run->cap_modules);
	run->modules[run->n_modules++] = m;
	ka_run_add_input(run, path, "module", true);
}

static void walk(struct ka_run *run, const char *dir)
{
	DIR *d = opendir(dir);
	struct strvec files = {0}, dirs = {0};
	struct dirent *de;

	if (!d) {
		ka_diag_add(&run->diags, true, dir, 0, "cannot read directory: %s",
			    strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) < 0) {
			ka_diag_add(&run->diags, true, p, 0, "%s", strerror(errno));
			free(p);
			continue;
		}
		/* Never follow directory links: /lib/modules/V/build points
		 * at a whole headers tree. */
		if (S_ISDIR(st.st_mode))
			strvec_push_owned(&dirs, p);
		else if (is_module_name(de->d_name) ||
			 is_module_object(dir, de->d_name))
			strvec_push_owned(&files, p);
		else
			free(p);
	}
	closedir(d);

	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	if (dirs.n)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_str);
	for (size_t i = 0; i < files.n; i++)
		load_one(run, files.v[i]);
	for (size_t i = 0; i < dirs.n; i++)
		walk(run, dirs.v[i]);
	strvec_free(&files);
	strvec_free(&dirs);
}

void ka_modules_collect(struct ka_run *run, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		ka_diag_add(&run->diags, true, path, 0, "%s", strerror(errno));
		ka_run_add_input(run, path, "module", false);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		size_t before = run->n_modules;
		ka_run_add_input(run, path, "directory", true);
		walk(run, path);
		if (run->n_modules == before)
			ka_diag_add(&run->diags, false, path, 0,
				    "no modules found in this directory");
		return;
	}
	load_one(run, path);
}
