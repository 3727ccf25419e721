/*
 * Module.symvers reader, every era:
 *   < 2.6.18   crc symbol module
 *   <= 5.3     crc symbol module type
 *   5.4-5.5    crc symbol namespace module type
 *   >= 5.6     crc symbol module type namespace
 * Fields are tab-separated; the two 5-field layouts differ in which field
 * holds the EXPORT_* word.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ksymaudit/input.h"
#include "ksymaudit/exports.h"

#define MAX_FIELDS 6

static bool parse_crc(const char *s, uint32_t *crc)
{
	char *end;
	unsigned long long v;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || !s[2])
		return false;
	errno = 0;
	v = strtoull(s + 2, &end, 16);
	if (errno || *end || v > UINT32_MAX)
		return false;
	*crc = (uint32_t)v;
	return true;
}

/* Splits line (modified in place) at tabs; returns the field count. */
static size_t split_tabs(char *line, char *fields[MAX_FIELDS])
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		char *tab = strchr(p, '\t');
		if (n == MAX_FIELDS)
			return MAX_FIELDS + 1;
		fields[n++] = p;
		if (!tab)
			return n;
		*tab = '\0';
		p = tab + 1;
	}
}

static int parse_line(const char *path, unsigned lineno, char *line,
		      struct ka_exportdb *db, struct ka_diags *diags)
{
	char *f[MAX_FIELDS];
	size_t n = split_tabs(line, f);
	const char *sym, *mod, *ns = NULL, *type = "EXPORT_SYMBOL";
	enum ka_export_type t;
	struct ka_export *e, *known;
	uint32_t crc;

	switch (n) {
	case 3:
		sym = f[1];
		mod = f[2];
		break;
	case 4:
		sym = f[1];
		mod = f[2];
		type = f[3];
		break;
	case 5:
		sym = f[1];
		if (ka_export_type_parse(f[3], &t)) { /* >= 5.6 */
			mod = f[2];
			type = f[3];
			ns = f[4];
		} else if (ka_export_type_parse(f[4], &t)) { /* 5.4-5.5 */
			ns = f[2];
			mod = f[3];
			type = f[4];
		} else {
			ka_diag_add(diags, false, path, lineno,
				    "malformed line: no export type in field 4 "
				    "('%s', 5.6+ layout) or field 5 ('%s', 5.4-5.5 "
				    "layout)", f[3], f[4]);
			return -EINVAL;
		}
		break;
	default:
		if (n > 5)
			ka_diag_add(diags, false, path, lineno,
				    "malformed line: more than 5 tab-separated fields");
		else
			ka_diag_add(diags, false, path, lineno,
				    "malformed line: %zu tab-separated field%s, expected 3 to 5",
				    n, n == 1 ? "" : "s");
		return -EINVAL;
	}

	if (!parse_crc(f[0], &crc)) {
		ka_diag_add(diags, false, path, lineno,
			    "malformed line: '%s' is not a CRC (0x…)", f[0]);
		return -EINVAL;
	}
	if (!*sym || strpbrk(sym, " \r")) {
		ka_diag_add(diags, false, path, lineno,
			    "malformed line: bad symbol name '%s'", sym);
		return -EINVAL;
	}
	if (!*mod) {
		ka_diag_add(diags, false, path, lineno,
			    "malformed line: empty module field for '%s'", sym);
		return -EINVAL;
	}
	if (!ka_export_type_parse(type, &t)) {
		ka_diag_add(diags, false, path, lineno,
			    "malformed line: unknown export type '%s'", type);
		return -EINVAL;
	}

	known = hashmap_get(&db->by_name, sym);
	if (known && known->source == KA_SRC_SYMVERS && known->type != t) {
		ka_diag_add(diags, false, path, lineno,
			    "'%s' is %s here but %s at %s:%u; the first is used",
			    sym, ka_export_type_name(t),
			    ka_export_type_name(known->type), known->origin,
			    known->origin_line);
	}

	e = xcalloc(1, sizeof(*e));
	e->name = xstrdup(sym);
	e->ns = ns && *ns ? xstrdup(ns) : NULL;
	e->owner = xstrdup(mod);
	e->type = t;
	e->crc = crc;
	e->has_crc = true;
	e->source = KA_SRC_SYMVERS;
	e->origin = xstrdup(path);
	e->origin_line = lineno;
	ka_exportdb_add(db, e);
	return 0;
}

int ka_symvers_parse(const char *path, const char *buf, size_t len,
		     struct ka_exportdb *db, struct ka_diags *diags)
{
	const char *p = buf, *end = buf + len;
	unsigned lineno = 0;
	int good = 0, bad = 0;
	char *line = NULL;
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		lineno++;
		if (l && p[l - 1] == '\r')
			l--;
		if (l == 0) {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (memchr(p, '\0', l)) {
			ka_diag_add(diags, false, path, lineno,
				    "malformed line: contains a NUL byte");
			bad++;
		} else {
			if (l + 1 > cap) {
				cap = l + 1;
				line = xrealloc(line, cap);
			}
			memcpy(line, p, l);
			line[l] = '\0';
			if (parse_line(path, lineno, line, db, diags) == 0)
				good++;
			else
				bad++;
		}
		p = nl ? nl + 1 : end;
	}
	free(line);

	if (good == 0) {
		if (bad)
			ka_diag_add(diags, true, path, 0,
				    "no valid Module.symvers line (%d malformed)",
				    bad);
		else
			ka_diag_add(diags, true, path, 0, "empty Module.symvers");
		return -EINVAL;
	}
	return good;
}

int ka_symvers_read(const char *path, struct ka_exportdb *db,
		    struct ka_diags *diags)
{
	struct stat st;
	char *why;
	void *map;
	int fd, r;

	fd = ka_input_open(path, &st, &why);
	if (fd < 0) {
		ka_diag_add(diags, true, path, 0, "%s", why);
		free(why);
		return fd;
	}
	if (st.st_size == 0) {
		close(fd);
		return ka_symvers_parse(path, "", 0, db, diags);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		r = -errno;
		ka_diag_add(diags, true, path, 0, "%s", strerror(-r));
		return r;
	}
	r = ka_symvers_parse(path, map, (size_t)st.st_size, db, diags);
	munmap(map, (size_t)st.st_size);
	return r;
}
