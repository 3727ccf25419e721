/*
 * Finding modules, one rule for every command: files named on the command
 * line, and directories searched recursively (a /lib/modules/VERSION tree or
 * a Kbuild output directory). Symbolic links are followed, to files and to
 * directories; a directory already searched (a link loop, or two links to
 * one place) is not searched again. Entries named like modules that are not
 * regular files (FIFOs, devices, dangling links) are reported and skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/input.h"
#include "ksymaudit/run.h"

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

struct walk {
	struct ka_diags *diags;
	struct strvec *out;
	struct dirid {
		dev_t dev;
		ino_t ino;
	} *seen;
	size_t n_seen, cap_seen;
};

/* Records a directory; false when it was searched already. */
static bool first_visit(struct walk *w, const struct stat *st)
{
	for (size_t i = 0; i < w->n_seen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return false;
	ARRAY_GROW(w->seen, w->n_seen, w->cap_seen);
	w->seen[w->n_seen++] = (struct dirid){st->st_dev, st->st_ino};
	return true;
}

/*
 * /lib/modules/VERSION/build and source point at a whole kernel tree: not
 * part of the module tree they sit in.
 */
static bool kernel_tree_link(const char *dir, const char *name)
{
	struct stat st;
	char *p;
	bool r;

	if (strcmp(name, "build") != 0 && strcmp(name, "source") != 0)
		return false;
	p = xasprintf("%s/%s", dir, name);
	r = lstat(p, &st) == 0 && S_ISLNK(st.st_mode);
	free(p);
	if (!r)
		return false;
	p = xasprintf("%s/modules.order", dir);
	r = access(p, F_OK) == 0;
	free(p);
	if (!r) {
		p = xasprintf("%s/modules.dep", dir);
		r = access(p, F_OK) == 0;
		free(p);
	}
	return r;
}

static void walk(struct walk *w, const char *dir)
{
	DIR *d = opendir(dir);
	struct strvec files = {0}, dirs = {0};
	struct dirent *de;

	if (!d) {
		ka_diag_add(w->diags, true, dir, 0, "cannot read directory: %s",
			    strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		struct stat st;
		bool modname;
		char *p;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		modname = ka_module_file_name(de->d_name) ||
			  is_module_object(dir, de->d_name);
		p = xasprintf("%s/%s", dir, de->d_name);
		if (stat(p, &st) < 0) {
			/* A dangling link or a loop named like a module. */
			if (modname)
				ka_diag_add(w->diags, true, p, 0, "%s",
					    strerror(errno));
			free(p);
			continue;
		}
		if (S_ISDIR(st.st_mode) && !kernel_tree_link(dir, de->d_name)) {
			strvec_push_owned(&dirs, p);
		} else if (modname && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
			ka_diag_add(w->diags, true, p, 0,
				    "is a %s, not a regular file: skipped",
				    ka_file_type_name(st.st_mode));
			free(p);
		} else if (modname && S_ISREG(st.st_mode)) {
			strvec_push_owned(&files, p);
		} else {
			free(p);
		}
	}
	closedir(d);

	if (files.n)
		qsort(files.v, files.n, sizeof(*files.v), cmp_str);
	if (dirs.n)
		qsort(dirs.v, dirs.n, sizeof(*dirs.v), cmp_str);
	for (size_t i = 0; i < files.n; i++)
		strvec_push(w->out, files.v[i]);
	for (size_t i = 0; i < dirs.n; i++) {
		struct stat st;
		if (stat(dirs.v[i], &st) < 0)
			continue;
		if (!first_visit(w, &st)) {
			ka_diag_add(w->diags, false, dirs.v[i], 0,
				    "directory already searched (a link loop or "
				    "a second link to it): skipped");
			continue;
		}
		walk(w, dirs.v[i]);
	}
	strvec_free(&files);
	strvec_free(&dirs);
}

int ka_modules_find(const char *path, struct strvec *out,
		    struct ka_diags *diags, bool *is_dir)
{
	struct walk w = {.diags = diags, .out = out};
	struct stat st;
	size_t before = out->n;

	*is_dir = false;
	if (stat(path, &st) < 0) {
		int r = -errno;
		ka_diag_add(diags, true, path, 0, "%s", strerror(-r));
		return r;
	}
	if (!S_ISDIR(st.st_mode)) {
		/* A file named by the user: ka_elf_open reports its type. */
		strvec_push(out, path);
		return 0;
	}
	*is_dir = true;
	first_visit(&w, &st);
	walk(&w, path);
	free(w.seen);
	if (out->n == before)
		ka_diag_add(diags, false, path, 0,
			    "no modules found in this directory");
	return 0;
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

	if (ka_module_load(path, &run->exports, &run->diags, m) < 0) {
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

void ka_modules_collect(struct ka_run *run, const char *path)
{
	struct strvec files = {0};
	bool is_dir;

	if (ka_modules_find(path, &files, &run->diags, &is_dir) < 0) {
		ka_run_add_input(run, path, "module", false);
		return;
	}
	if (is_dir)
		ka_run_add_input(run, path, "directory", true);
	for (size_t i = 0; i < files.n; i++)
		load_one(run, files.v[i]);
	strvec_free(&files);
}
