/* Source paths as people want to read them in reports. */
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/dwarf.h"

/* Removes "/./" steps and a leading "./". */
static void tidy(char *p)
{
	char *w = p;
	const char *r = p;
	while (r[0] == '.' && r[1] == '/')
		r += 2;
	while (*r) {
		if (r[0] == '/' && r[1] == '.' && r[2] == '/') {
			r += 2;
			continue;
		}
		if (r[0] == '/' && r[1] == '/') {
			r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* The rest of path after dir and a slash, or NULL. */
static const char *under(const char *path, const char *dir)
{
	size_t n;
	if (!dir || !*dir)
		return NULL;
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return NULL;
	return path + n + 1;
}

/* True when dir (of length n) is the root of a kernel source or headers tree. */
static bool kernel_root(const char *dir, size_t n)
{
	char *mk = xasprintf("%.*s/Makefile", (int)n, dir);
	char *inc = xasprintf("%.*s/include/linux", (int)n, dir);
	bool yes = access(mk, F_OK) == 0 && access(inc, F_OK) == 0;
	free(mk);
	free(inc);
	return yes;
}

/*
 * The kernel-tree-relative part of an absolute path into a kernel tree
 * (/usr/src/linux-headers-V-common/include/linux/mm.h -> include/...).
 */
static const char *in_kernel_tree(const char *p)
{
	static const char *const tops[] = { "/include/", "/arch/" };
	if (p[0] != '/')
		return NULL;
	for (size_t i = 0; i < KA_ARRAY_SIZE(tops); i++) {
		const char *q = p;
		while ((q = strstr(q, tops[i]))) {
			if (q > p && kernel_root(p, (size_t)(q - p)))
				return q + 1;
			q++;
		}
	}
	return NULL;
}

char *ka_explain_path(const char *path, const char *comp_dir,
		      const char *module_dir)
{
	char *p = xstrdup(path), *c = comp_dir ? xstrdup(comp_dir) : NULL,
	     *m = module_dir ? xstrdup(module_dir) : NULL;
	const char *rel;
	char *out;

	tidy(p);
	if (c)
		tidy(c);
	if (m)
		tidy(m);
	if ((rel = under(p, c)) || (rel = under(p, m)) ||
	    (rel = in_kernel_tree(p)))
		out = xstrdup(rel);
	else
		out = xstrdup(p);
	tidy(out);
	free(p);
	free(c);
	free(m);
	return out;
}
