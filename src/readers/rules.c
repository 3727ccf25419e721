/*
 * The rules directory: "licenses" (GPL-compatible license strings, as the
 * kernel's include/linux/license.h) and "headers" (globs for what counts as
 * a kernel header). Waiver files are read by waivers.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/input.h"
#include "ksymaudit/rules.h"

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

char *ka_rules_find_dir(const char *dir, const char *argv0)
{
	char exe[PATH_MAX], *slash, *probe;
	ssize_t n;
	bool in_build_tree = false;
	const char *env;

	if (dir)
		return xstrdup(dir);
	env = getenv("KSYMAUDIT_RULES_DIR");
	if (env && *env)
		return xstrdup(env);

	/* Run from the build tree: use the source tree's rules/. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			probe = xasprintf("%s/build.ninja", exe);
			in_build_tree = access(probe, F_OK) == 0;
			free(probe);
		}
	}
	(void)argv0;
	if (in_build_tree && is_dir(KA_SOURCE_RULES_DIR))
		return xstrdup(KA_SOURCE_RULES_DIR);
	if (is_dir(KA_RULES_DIR))
		return xstrdup(KA_RULES_DIR);
	return xstrdup(KA_SOURCE_RULES_DIR);
}

void ka_rules_parse_list(const char *buf, size_t len, struct strvec *out)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end, *s = p;

		p = nl ? nl + 1 : end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == s || *s == '#' || memchr(s, '\0', (size_t)(e - s)))
			continue;
		strvec_push_owned(out, xstrndup(s, (size_t)(e - s)));
	}
}

/* Reads a list file: one entry a line, '#' comments, blanks trimmed. */
static int read_list(const char *path, struct strvec *out,
		     struct ka_diags *diags)
{
	char *buf, *why;
	size_t len, before = out->n;
	int r = ka_input_read(path, &buf, &len, &why);

	if (r < 0) {
		ka_diag_add(diags, true, path, 0, "%s", why);
		free(why);
		return r;
	}
	ka_rules_parse_list(buf, len, out);
	free(buf);
	if (out->n == before) {
		ka_diag_add(diags, true, path, 0,
			    "no entries: a rules list needs at least one line");
		return -EINVAL;
	}
	return 0;
}

int ka_rules_load(const char *dir, struct ka_rules *r, struct ka_diags *diags)
{
	char *p;
	int ret;

	r->dir = xstrdup(dir);
	if (!is_dir(dir)) {
		ka_diag_add(diags, true, dir, 0, "rules directory not found");
		return -ENOENT;
	}
	p = xasprintf("%s/licenses", dir);
	ret = read_list(p, &r->gpl_licenses, diags);
	free(p);
	if (ret < 0)
		return ret;
	p = xasprintf("%s/headers", dir);
	ret = read_list(p, &r->header_globs, diags);
	free(p);
	if (ret < 0)
		return ret;
	/* Reviewed exceptions shipped with the rules: ksymaudit-rules(5). */
	p = xasprintf("%s/waivers", dir);
	if (access(p, F_OK) == 0 || faccessat(AT_FDCWD, p, F_OK,
					       AT_SYMLINK_NOFOLLOW) == 0)
		ret = ka_waivers_load(p, r, diags);
	free(p);
	return ret;
}

void ka_rules_free(struct ka_rules *r)
{
	if (!r)
		return;
	free(r->dir);
	strvec_free(&r->gpl_licenses);
	strvec_free(&r->header_globs);
	strvec_free(&r->active_checks);
	for (size_t i = 0; i < r->n_waivers; i++) {
		struct ka_waiver *w = &r->waivers[i];
		free(w->check);
		free(w->subject);
		free(w->where);
		free(w->reason);
		free(w->file);
	}
	free(r->waivers);
	*r = (struct ka_rules){0};
}

bool ka_license_is_gpl_compatible(const struct ka_rules *r, const char *lic)
{
	return strvec_contains(&r->gpl_licenses, lic);
}

bool ka_licenses_gpl_compatible(const struct ka_rules *r,
				const struct strvec *licenses)
{
	if (!licenses->n)
		return false;
	for (size_t i = 0; i < licenses->n; i++)
		if (!ka_license_is_gpl_compatible(r, licenses->v[i]))
			return false;
	return true;
}

bool ka_path_is_header(const struct ka_rules *r, const char *path)
{
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	for (size_t i = 0; i < r->header_globs.n; i++)
		if (fnmatch(r->header_globs.v[i], path, 0) == 0)
			return true;
	return false;
}
