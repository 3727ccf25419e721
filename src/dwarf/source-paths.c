/* The one path normaliser: DWARF source paths as people want to read them. */
#include <stdlib.h>
#include <unistd.h>

#include "ksymaudit/dwarf.h"

/*
 * Resolves "." and ".." steps and squeezes "//", without looking at the
 * file system (kernel paths such as arch/x86/kvm/../../../virt/... name
 * files of another machine). A ".." that would climb above the start of a
 * relative path stays; above "/" it is dropped. Returns an owned string.
 */
static char *tidy(const char *in)
{
	bool abs = in[0] == '/';
	char *out = xmalloc(strlen(in) + 3);
	char *w = out, *floor;
	const char *r = in;
	if (abs)
		*w++ = '/';
	floor = w; /* ".." may not remove what is before this */
	while (*r) {
		size_t n = strcspn(r, "/");
		const char *next = r[n] ? r + n + 1 : r + n;
		if (n == 0 || (n == 1 && r[0] == '.')) {
			r = next;
			continue;
		}
		if (n == 2 && r[0] == '.' && r[1] == '.') {
			if (w > floor) {
				/* Drop the last step written ("a/"). */
				w--;
				while (w > floor && w[-1] != '/')
					w--;
			} else if (!abs) {
				memcpy(w, "../", 3);
				w += 3;
				floor = w;
			}
			r = next;
			continue;
		}
		memcpy(w, r, n);
		w += n;
		*w++ = '/';
		r = next;
	}
	if (w > out + abs && w[-1] == '/')
		w--;
	if (w == out)
		*w++ = '.';
	*w = '\0';
	return out;
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

/*
 * Debian builds in a subdirectory of the source (comp_dir
 * SRC/debian/build/build_ARCH_FLAVOUR); SRC is the source root, owned.
 */
static char *debian_root(const char *comp_dir)
{
	const char *d = comp_dir ? strstr(comp_dir, "/debian/build/") : NULL;
	return d && d > comp_dir ? xstrndup(comp_dir, (size_t)(d - comp_dir))
				 : NULL;
}

char *ka_dwarf_path(const char *path, const char *comp_dir,
		    const char *module_dir)
{
	char *p, *c = comp_dir ? tidy(comp_dir) : NULL,
		 *m = module_dir ? tidy(module_dir) : NULL, *root;
	const char *rel;
	char *out;

	p = tidy(path);
	/* A relative path that climbs out: resolve it in comp_dir. */
	if (str_starts(p, "../") && c && c[0] == '/') {
		char *j = xasprintf("%s/%s", c, p);
		free(p);
		p = tidy(j);
		free(j);
	}
	root = debian_root(c);
	if ((rel = under(p, c)) || (rel = under(p, root)) ||
	    (rel = under(p, m)) || (rel = in_kernel_tree(p)))
		out = xstrdup(rel);
	else
		out = xstrdup(p);
	free(root);
	free(p);
	free(c);
	free(m);
	return out;
}
