/*
 * Source paths for code-scanning services (SARIF, GitLab Code Quality):
 * build paths mapped into the repository, relative and normalised, and the
 * one location a service shows for a finding.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/emit.h"

/* The rest of path after the leading components prefix, or NULL. */
static const char *after_prefix(const char *path, const char *prefix, size_t n)
{
	while (n > 1 && prefix[n - 1] == '/')
		n--;
	if (n == 0 || strncmp(path, prefix, n) != 0)
		return NULL;
	if (n == 1 && prefix[0] == '/')
		return path + 1;
	if (path[n] == '\0')
		return path + n;
	return path[n] == '/' ? path + n + 1 : NULL;
}

/* --path-prefix-map: the first map whose OLD leads path, else a copy. */
static char *apply_maps(const struct ka_emit_opts *o, const char *path)
{
	for (size_t i = 0; i < o->n_path_maps; i++) {
		const char *m = o->path_maps[i], *eq = strchr(m, '=');
		const char *rest;
		if (!eq || !(rest = after_prefix(path, m, (size_t)(eq - m))))
			continue;
		const char *neu = eq + 1;
		if (!*neu)
			return xstrdup(*rest ? rest : ".");
		if (!*rest)
			return xstrdup(neu);
		return xasprintf("%s%s%s", neu,
				 neu[strlen(neu) - 1] == '/' ? "" : "/", rest);
	}
	return xstrdup(path);
}

/* "." and ".." steps and doubled slashes removed, in place, lexically. */
static void normalise(char *p)
{
	bool abs = p[0] == '/';
	char *out = p + abs, *r = p + abs;
	size_t kept = 0; /* components in out that ".." may remove */

	while (*r) {
		char *end = strchr(r, '/');
		size_t n = end ? (size_t)(end - r) : strlen(r);
		/* out never passes r: writing "X/" ends at most on r[n], the
		 * separator or the terminator, so decide the end first. */
		bool last = r[n] == '\0';
		if (n == 0 || (n == 1 && r[0] == '.')) {
			/* skip */
		} else if (n == 2 && r[0] == '.' && r[1] == '.' && kept > 0) {
			out--; /* drop the last component written */
			while (out > p + abs && out[-1] != '/')
				out--;
			kept--;
		} else if (n == 2 && r[0] == '.' && r[1] == '.' && abs) {
			/* "/.." is "/" */
		} else {
			bool up = n == 2 && r[0] == '.' && r[1] == '.';
			memmove(out, r, n);
			out += n;
			*out++ = '/';
			kept += !up;
		}
		if (last)
			break;
		r += n + 1;
	}
	if (out > p + abs && out[-1] == '/')
		out--;
	if (out == p)
		*out++ = '.';
	*out = '\0';
}

char *ka_emit_path(const struct ka_emit_opts *o, const char *path)
{
	const char *rel;
	char *p, *abs = NULL;

	/* Inputs (modules, vmlinux) are named relative to the working
	 * directory, unlike DWARF's source paths: make them absolute. */
	if (path[0] != '/' && ka_emit_path_is_binary(path))
		abs = realpath(path, NULL);
	p = apply_maps(o, abs ? abs : path);
	free(abs);

	normalise(p);
	if (o->source_root && p[0] == '/') {
		const char *root = o->source_root;
		rel = after_prefix(p, root, strlen(root));
		if (!rel) {
			/* A symbolic link into the tree (Kbuild's shadow dirs). */
			char *real = realpath(p, NULL);
			if (real && (rel = after_prefix(real, root, strlen(root)))) {
				char *r = xstrdup(*rel ? rel : ".");
				free(real);
				free(p);
				return r;
			}
			free(real);
			return p;
		}
		char *r = xstrdup(*rel ? rel : ".");
		free(p);
		p = r;
	}
	return p;
}

bool ka_emit_path_is_binary(const char *path)
{
	static const char *const suffixes[] = {
		".ko", ".o", ".ko.xz", ".ko.zst", ".ko.gz", ".debug", ".a",
	};
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (str_starts(base, "vmlinux"))
		return true;
	for (size_t i = 0; i < KA_ARRAY_SIZE(suffixes); i++)
		if (str_ends(base, suffixes[i]))
			return true;
	return false;
}

void ka_emit_primary_location(const struct ka_finding *f, const char **file,
			      unsigned *line)
{
	*file = f->file && *f->file ? f->file : NULL;
	*line = *file ? f->line : 0;
	if (*file && !ka_emit_path_is_binary(*file))
		return;
	for (size_t i = 0; i < f->n_sites; i++) {
		const struct ka_site *s = &f->sites[i];
		if (s->file && *s->file && s->line > 0 &&
		    !ka_emit_path_is_binary(s->file)) {
			*file = s->file;
			*line = s->line;
			return;
		}
	}
}
