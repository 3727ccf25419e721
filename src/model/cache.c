/*
 * The fact cache of the tree pass: one file per walked object, named by a
 * 128-bit key (src/model/cache-key.c), holding what the pass keeps of it
 * (struct ka_file_facts, in the format of src/model/cache-codec.c). This
 * file is the directory: opening it, loading and storing entries, and
 * keeping it under its size bound.
 *
 * An entry that does not match, or does not decode exactly, is noted,
 * removed and walked again. Entries of another build have other names:
 * they are never looked up, and age out under the size bound.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache-dir.h"
#include "config.h"

char *ka_cache_default_dir(void)
{
	const char *x = getenv("XDG_CACHE_HOME");
	if (x && *x == '/')
		return xasprintf("%s/ksymaudit", x);
	const char *h = getenv("HOME");
	if (h && *h)
		return xasprintf("%s/.cache/ksymaudit", h);
	return NULL;
}

/* "ksymaudit VERSION exe:HASH": any rebuild of the program changes it. */
static char *tool_identity(void)
{
	uint64_t h = 0;
	char *buf = NULL;
	size_t len = 0;
	char *why = NULL;
	if (ka_input_read("/proc/self/exe", &buf, &len, &why) == 0)
		h = ka_hash64(buf, len, 0);
	free(buf);
	free(why);
	return xasprintf("ksymaudit %s exe:%016llx", PACKAGE_VERSION,
			 (unsigned long long)h);
}

static int mkdirs(const char *dir)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			free(p);
			return -errno;
		}
		*s = '/';
	}
	int r = mkdir(p, 0700) < 0 && errno != EEXIST ? -errno : 0;
	free(p);
	return r;
}

struct ka_cache *ka_cache_open(const char *dir, uint64_t max_bytes, char **why)
{
	struct stat st;
	int r = mkdirs(dir);
	if (r == 0 && (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)))
		r = -ENOTDIR;
	if (r == 0 && access(dir, R_OK | W_OK | X_OK) < 0)
		r = -errno;
	if (r < 0) {
		*why = xasprintf("%s: cannot use as cache directory: %s", dir,
				 strerror(-r));
		return NULL;
	}
	struct ka_cache *c = xcalloc(1, sizeof(*c));
	c->dir = xstrdup(dir);
	c->max_bytes = max_bytes ? max_bytes : KA_CACHE_DEFAULT_MAX;
	c->tool = tool_identity();
	return c;
}

const char *ka_cache_tool(const struct ka_cache *c)
{
	return c->tool;
}

void ka_cache_note(struct ka_cache *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	strvec_push_owned(&c->notes, m);
}

/* ---- files ---- */

/* The largest entry read: a vmlinux's facts are a few MiB. */
#define ENTRY_MAX ((size_t)256 << 20)

int ka_cache_load(struct ka_cache *c, const struct ka_cache_key *key,
		  const char *path, const char *owner,
		  struct ka_file_facts *f)
{
	char *file = xasprintf("%s/%s", c->dir, key->name);
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	char *why = NULL;
	int r = -1;
	if (fd < 0) {
		if (errno != ENOENT)
			ka_cache_note(c, "%s: %s: ignored", file, strerror(errno));
		goto miss;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > ENTRY_MAX) {
		why = xstrdup("not a regular file of a sane size");
		goto bad;
	}
	size_t len = (size_t)st.st_size, got = 0;
	char *buf = xmalloc(len + 1);
	while (got < len) {
		ssize_t k = read(fd, buf + got, len - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != len)
		why = xasprintf("short read (%zu of %zu bytes)", got, len);
	else
		r = ka_cache_decode(buf, len, key, c->tool, path, owner, f,
				    &why);
	free(buf);
	if (r == 0) {
		futimens(fd, NULL); /* recently used: evicted last */
		close(fd);
		free(file);
		c->st.hits++;
		return 0;
	}
bad:
	if (r != -2)
		ka_cache_note(c, "cache entry %s (for %s): %s: ignored", file,
			      path, why ? why : "unreadable");
	free(why);
	close(fd);
	unlink(file);
	if (r == -2)
		c->st.stale++;
	else
		c->st.rejected++;
miss:
	free(file);
	c->st.misses++;
	return -1;
}

bool ka_cache_write_entry(struct ka_cache *c, const char *file,
			  const struct ka_wbuf *b)
{
	unsigned seq = c->seq++;
	char *tmp = xasprintf("%s/.tmp-%ld-%u", c->dir, (long)getpid(), seq);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok = fd >= 0;
	for (size_t off = 0; ok && off < b->n;) {
		ssize_t k = write(fd, b->p + off, b->n - off);
		if (k < 0 && errno == EINTR)
			continue;
		ok = k > 0;
		off += ok ? (size_t)k : 0;
	}
	if (fd >= 0 && close(fd) < 0)
		ok = false;
	if (ok && rename(tmp, file) < 0)
		ok = false;
	if (!ok) {
		ka_cache_note(c, "%s: cannot write a cache entry: %s",
			      c->dir, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return ok;
}

void ka_cache_store(struct ka_cache *c, const struct ka_cache_key *key,
		    const char *path, const struct ka_file_facts *f)
{
	struct ka_wbuf b = { 0 };
	ka_cache_encode(key, c->tool, path, f, &b);
	if (b.n > ENTRY_MAX || b.n > c->max_bytes) {
		ka_wbuf_free(&b);
		return;
	}
	char *file = xasprintf("%s/%s", c->dir, key->name);
	if (ka_cache_write_entry(c, file, &b))
		c->st.stored++;
	free(file);
	ka_wbuf_free(&b);
}

/* ---- bound ---- */

struct entry {
	char *name;
	uint64_t size;
	struct timespec mtime;
};

static int cmp_age(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->mtime.tv_sec != y->mtime.tv_sec)
		return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
	if (x->mtime.tv_nsec != y->mtime.tv_nsec)
		return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* An entry ("m": a remembered content hash). */
static bool entry_name(const char *n)
{
	size_t i = 0;
	if (*n == 'm')
		n++;
	for (; n[i]; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f')))
			return false;
	return i == 32;
}

/* Removes the least recently used entries down to 3/4 of the bound. */
static void evict(struct ka_cache *c)
{
	DIR *d = opendir(c->dir);
	if (!d)
		return;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		struct stat st;
		if (!entry_name(de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;
		ARRAY_GROW(v, n, cap);
		v[n++] = (struct entry){ xstrdup(de->d_name), (uint64_t)st.st_size,
					 st.st_mtim };
		total += (uint64_t)st.st_size;
	}
	if (total > c->max_bytes) {
		qsort(v, n, sizeof(*v), cmp_age);
		for (size_t i = 0; i < n && total > c->max_bytes / 4 * 3; i++)
			if (unlinkat(dirfd(d), v[i].name, 0) == 0) {
				total -= v[i].size;
				c->st.evicted++;
			}
	}
	closedir(d);
	c->st.bytes = total;
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

void ka_cache_close(struct ka_cache *c, struct strvec *notes,
		    struct ka_cache_stats *stats)
{
	if (!c)
		return;
	evict(c);
	if (c->st.stale)
		ka_cache_note(c, "%s: %u cache entries of another build or "
			      "format of ksymaudit ignored and replaced",
			      c->dir, c->st.stale);
	for (size_t i = 0; i < c->notes.n; i++)
		if (notes)
			strvec_push(notes, c->notes.v[i]);
	if (stats)
		*stats = c->st;
	strvec_free(&c->notes);
	free(c->dir);
	free(c->tool);
	free(c);
}
