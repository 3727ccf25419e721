/*
 * The fact cache of the tree pass: one file per walked object, named by a
 * 128-bit key, holding what the pass keeps of it (struct ka_file_facts).
 *
 * Key: the object's build-id and size (a hash of its bytes when it has no
 * build-id, remembered for large files: content_hash), its owner, the tool's identity and the cache format, the
 * options that change facts (checks, explain symbol, reach, depth, debug
 * root, header rules), and one byte per symbol
 * of its symbol table saying whether and how that name is exported in this
 * run: a file's references to other files' exports (GPL-only or not) are
 * the only facts it takes from outside, and every lookup the graph makes
 * is by a name of that table. Only objects with their own DWARF are
 * cached (not in a separate debug file, nor in a dwz file): facts read
 * from another file would follow that file.
 *
 * Entry: a versioned binary format (below) with the tool's identity (its
 * version and a hash of the executable), the key and an XXH64 checksum of
 * the payload; anything that does not match, or does not decode exactly,
 * is noted, removed and walked again. Entries of another build have other
 * names: they are never looked up, and age out under the size bound. A binary format rather than JSON:
 * the facts are read back by this program only, a vmlinux entry is
 * decoded in milliseconds, and a checksum is needed either way (a flipped
 * byte inside a JSON string still parses).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <elfutils/libdwelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "ksymaudit/cache.h"

static const char magic[16] = "ksymaudit-facts\n";

struct ka_cache {
	char *dir;
	uint64_t max_bytes;
	char *tool;
	uint64_t opts; /* digest of the options that change facts */
	const struct ka_exportdb *db;
	pthread_mutex_t lock;
	struct strvec notes;
	struct ka_cache_stats st;
	unsigned seq;
};

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
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

const char *ka_cache_tool(const struct ka_cache *c)
{
	return c->tool;
}

void ka_cache_bind(struct ka_cache *c, const struct ka_run *run,
		   const struct ka_tree_opts *o)
{
	struct ka_wbuf b = { 0 };
	ka_wbuf_u32(&b, KA_CACHE_FORMAT);
	ka_wbuf_str(&b, c->tool);
	ka_wbuf_u8(&b, o->checks);
	ka_wbuf_u8(&b, o->reach);
	ka_wbuf_str(&b, o->explain);
	ka_wbuf_str(&b, o->debug_root);
	ka_wbuf_u32(&b, run->max_depth);
	ka_wbuf_u32(&b, (uint32_t)run->rules.header_globs.n);
	for (size_t i = 0; i < run->rules.header_globs.n; i++)
		ka_wbuf_str(&b, run->rules.header_globs.v[i]);
	c->opts = ka_hash64(b.p, b.n, 0);
	c->db = &run->exports;
	ka_wbuf_free(&b);
}

static void note(struct ka_cache *c, const char *fmt, ...) KA_PRINTF(2, 3);
static void note(struct ka_cache *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&c->lock);
	strvec_push_owned(&c->notes, m);
	pthread_mutex_unlock(&c->lock);
}

/* One byte per symbol-table entry: 0 not exported, 1 + type otherwise. */
static void export_states(struct ka_cache *c, struct ka_elf *e,
			  struct ka_wbuf *b)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB ||
		    !sh.sh_entsize)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t n = d ? d->d_size / sh.sh_entsize : 0;
		unsigned char *v = xmalloc(n + 1);
		for (size_t i = 0; i < n; i++) {
			GElf_Sym s;
			const char *name;
			const struct ka_export *x = NULL;
			if (gelf_getsym(d, (int)i, &s) && s.st_name &&
			    (name = elf_strptr(e->elf, sh.sh_link, s.st_name)) &&
			    *name)
				x = ka_exportdb_find(c->db, name);
			v[i] = x ? (unsigned char)(1 + x->type) : 0;
		}
		ka_wbuf_u64(b, n);
		ka_wbuf_bytes(b, v, n);
		free(v);
	}
}

/*
 * The hash of the bytes of a file without a build-id (a vmlinux.o, a
 * module .o). Hashing a large one costs more than reading its facts, so
 * the hash is remembered in an entry named after the file's path and
 * stat identity (device, inode, size, modification and change times, as
 * git's index does): "m" and 32 hex digits, holding that identity and the
 * hash. Any change of the file changes its identity.
 */
static bool write_entry(struct ka_cache *c, const char *file,
			const struct ka_wbuf *b);
#define MEMO_MIN ((size_t)1 << 20)
static const char memo_magic[16] = "ksymaudit-hmemo\n";

static uint64_t content_hash(struct ka_cache *c, struct ka_elf *e,
			     const void *raw, size_t size)
{
	struct stat st;
	if (size < MEMO_MIN || !e->path || stat(e->path, &st) < 0)
		return ka_hash64(raw, size, 0);
	struct ka_wbuf id = { 0 };
	ka_wbuf_str(&id, c->tool);
	ka_wbuf_str(&id, e->path);
	ka_wbuf_u64(&id, (uint64_t)st.st_dev);
	ka_wbuf_u64(&id, (uint64_t)st.st_ino);
	ka_wbuf_u64(&id, (uint64_t)st.st_size);
	ka_wbuf_u64(&id, (uint64_t)st.st_mtim.tv_sec);
	ka_wbuf_u64(&id, (uint64_t)st.st_mtim.tv_nsec);
	ka_wbuf_u64(&id, (uint64_t)st.st_ctim.tv_sec);
	ka_wbuf_u64(&id, (uint64_t)st.st_ctim.tv_nsec);
	ka_wbuf_u64(&id, size);
	char *file = xasprintf("%s/m%016llx%016llx", c->dir,
			       (unsigned long long)ka_hash64(id.p, id.n, 1),
			       (unsigned long long)ka_hash64(id.p, id.n, 2));
	uint64_t h = 0;
	bool found = false;
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0) {
		/* magic, identity, hash, checksum of all before it */
		size_t want = sizeof(memo_magic) + id.n + 16;
		unsigned char *buf = xmalloc(want + 1);
		ssize_t got = read(fd, buf, want + 1);
		struct ka_rbuf r = { .p = buf, .n = got > 0 ? (size_t)got : 0,
				     .off = sizeof(memo_magic) + id.n };
		if (got == (ssize_t)want &&
		    !memcmp(buf, memo_magic, sizeof(memo_magic)) &&
		    !memcmp(buf + sizeof(memo_magic), id.p, id.n)) {
			h = ka_rbuf_u64(&r);
			found = ka_rbuf_u64(&r) == ka_hash64(buf, want - 8, 0);
		}
		if (found)
			futimens(fd, NULL);
		free(buf);
		close(fd);
	}
	if (!found) {
		h = ka_hash64(raw, size, 0);
		struct ka_wbuf m = { 0 };
		ka_wbuf_bytes(&m, memo_magic, sizeof(memo_magic));
		ka_wbuf_bytes(&m, id.p, id.n);
		ka_wbuf_u64(&m, h);
		ka_wbuf_u64(&m, ka_hash64(m.p, m.n, 0));
		write_entry(c, file, &m);
		ka_wbuf_free(&m);
	}
	free(file);
	ka_wbuf_free(&id);
	return h;
}

/* DWARF of its own, all of it: not in a dwz file (.gnu_debugaltlink). */
static bool own_dwarf(struct ka_elf *e)
{
	bool info = false;
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *n = ka_elf_section_name(e, scn);
		if (!n)
			continue;
		if (!strcmp(n, ".gnu_debugaltlink"))
			return false;
		if (!strcmp(n, ".debug_info") || !strcmp(n, ".zdebug_info"))
			info = true;
	}
	return info;
}

int ka_cache_key(struct ka_cache *c, struct ka_elf *e, const char *owner,
		 struct ka_cache_key *key)
{
	if (!own_dwarf(e))
		return -1;
	struct ka_wbuf b = { 0 };
	const void *id = NULL;
	ssize_t n = dwelf_elf_gnu_build_id(e->elf, &id);
	size_t size = 0;
	const char *raw = elf_rawfile(e->elf, &size);
	ka_wbuf_u64(&b, c->opts);
	ka_wbuf_str(&b, owner);
	ka_wbuf_u64(&b, size);
	if (n > 0) {
		ka_wbuf_u8(&b, 1);
		ka_wbuf_u32(&b, (uint32_t)n);
		ka_wbuf_bytes(&b, id, (size_t)n);
	} else if (raw) {
		ka_wbuf_u8(&b, 2);
		ka_wbuf_u64(&b, content_hash(c, e, raw, size));
	} else {
		ka_wbuf_free(&b);
		return -1;
	}
	export_states(c, e, &b);
	key->h[0] = ka_hash64(b.p, b.n, 0x6b73796d61756469ULL);
	key->h[1] = ka_hash64(b.p, b.n, 0x7428666163747329ULL);
	snprintf(key->name, sizeof(key->name), "%016llx%016llx",
		 (unsigned long long)key->h[0], (unsigned long long)key->h[1]);
	ka_wbuf_free(&b);
	return 0;
}

bool ka_cache_has_image(struct ka_cache *c, const struct ka_run *run,
			const struct ka_tree_opts *o)
{
	struct ka_elf e;
	struct ka_cache_key key;
	char *why = NULL;
	bool r = false;
	if (!o->vmlinux)
		return false;
	ka_cache_bind(c, run, o);
	if (ka_elf_open(o->vmlinux, &e, &why) < 0) {
		free(why);
		return false;
	}
	if (ka_cache_key(c, &e, "vmlinux", &key) == 0) {
		char *file = xasprintf("%s/%s", c->dir, key.name);
		r = access(file, R_OK) == 0;
		free(file);
	}
	ka_elf_close(&e);
	return r;
}

/* ---- encoding ---- */

static void put_strvec(struct ka_wbuf *b, const struct strvec *v)
{
	ka_wbuf_u32(b, (uint32_t)v->n);
	for (size_t i = 0; i < v->n; i++)
		ka_wbuf_str(b, v->v[i]);
}

static void put_steps(struct ka_wbuf *b, const struct ka_path_step *s,
		      size_t n)
{
	ka_wbuf_u32(b, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		ka_wbuf_str(b, s[i].symbol);
		ka_wbuf_u8(b, s[i].kind);
	}
}

static void put_site(struct ka_wbuf *b, const struct ka_site *s)
{
	ka_wbuf_str(b, s->function);
	ka_wbuf_str(b, s->file);
	ka_wbuf_u32(b, s->line);
	ka_wbuf_u8(b, s->kind);
	ka_wbuf_str(b, s->section);
	ka_wbuf_u64(b, s->offset);
	ka_wbuf_u8(b, s->has_debuginfo);
	ka_wbuf_u32(b, (uint32_t)s->n_chain);
	for (size_t i = 0; i < s->n_chain; i++) {
		const struct ka_inline_frame *f = &s->chain[i];
		ka_wbuf_str(b, f->function);
		ka_wbuf_str(b, f->decl_file);
		ka_wbuf_u32(b, f->decl_line);
		ka_wbuf_str(b, f->call_file);
		ka_wbuf_u32(b, f->call_line);
	}
}

static void put_payload(struct ka_wbuf *b, const char *path,
			const struct ka_file_facts *f)
{
	const struct ka_tree_result *r = &f->r;
	ka_wbuf_u32(b, (uint32_t)f->diags.n);
	for (size_t i = 0; i < f->diags.n; i++) {
		const struct ka_diag *d = &f->diags.v[i];
		bool self = d->file && !strcmp(d->file, path);
		ka_wbuf_u8(b, d->fatal);
		ka_wbuf_u8(b, self);
		ka_wbuf_str(b, self ? NULL : d->file);
		ka_wbuf_u32(b, d->line);
		ka_wbuf_str(b, d->message);
	}
	ka_wbuf_u32(b, (uint32_t)r->inline_counts.n);
	hashmap_foreach(&r->inline_counts, slot) {
		const struct ka_inline_count *n = slot->value;
		ka_wbuf_str(b, n->key);
		ka_wbuf_u32(b, n->n);
	}
	ka_wbuf_u32(b, (uint32_t)r->n_uses);
	for (size_t i = 0; i < r->n_uses; i++) {
		const struct ka_inline_use *u = r->uses[i];
		ka_wbuf_str(b, u->function);
		ka_wbuf_str(b, u->decl_file);
		ka_wbuf_u32(b, u->decl_line);
		ka_wbuf_u32(b, u->instances);
		ka_wbuf_str(b, u->example_file);
		ka_wbuf_u32(b, u->example_line);
		ka_wbuf_str(b, u->example_function);
		put_strvec(b, &u->inner);
		ka_wbuf_u32(b, (uint32_t)u->n_syms);
		for (size_t k = 0; k < u->n_syms; k++) {
			ka_wbuf_str(b, u->syms[k].symbol);
			ka_wbuf_u32(b, u->syms[k].instances);
			ka_wbuf_u32(b, u->syms[k].by_param);
			put_strvec(b, &u->syms[k].via);
		}
	}
	ka_wbuf_u32(b, (uint32_t)r->n_wrappers);
	for (size_t i = 0; i < r->n_wrappers; i++) {
		const struct ka_wrapper_fact *w = &r->wrappers[i];
		ka_wbuf_str(b, w->symbol);
		ka_wbuf_u8(b, w->type);
		ka_wbuf_u64(b, w->size);
		put_steps(b, w->steps, w->n_steps);
		for (size_t k = 0; k < w->n_steps; k++)
			put_site(b, &w->sites[k]);
		put_strvec(b, &w->reached);
		ka_wbuf_u32(b, (uint32_t)w->n_targets);
		for (size_t k = 0; k < w->n_targets; k++) {
			ka_wbuf_str(b, w->targets[k].symbol);
			put_steps(b, w->targets[k].steps, w->targets[k].n_steps);
		}
	}
	ka_wbuf_u32(b, (uint32_t)r->n_reach);
	for (size_t i = 0; i < r->n_reach; i++) {
		ka_wbuf_str(b, r->reach[i].function);
		ka_wbuf_str(b, r->reach[i].gpl_export);
		put_strvec(b, &r->reach[i].plain_path);
	}
	ka_wbuf_u32(b, (uint32_t)r->n_paths);
	for (size_t i = 0; i < r->n_paths; i++)
		put_steps(b, r->paths[i].steps, r->paths[i].n_steps);
}

void ka_cache_encode(const struct ka_cache_key *key, const char *tool,
		     const char *path, const struct ka_file_facts *f,
		     struct ka_wbuf *out)
{
	struct ka_wbuf p = { 0 };
	put_payload(&p, path, f);
	ka_wbuf_bytes(out, magic, sizeof(magic));
	ka_wbuf_u32(out, KA_CACHE_FORMAT);
	ka_wbuf_str(out, tool);
	ka_wbuf_u64(out, key->h[0]);
	ka_wbuf_u64(out, key->h[1]);
	ka_wbuf_u64(out, p.n);
	ka_wbuf_u64(out, ka_hash64(p.p, p.n, 0));
	ka_wbuf_bytes(out, p.p, p.n);
	ka_wbuf_free(&p);
}

/* ---- decoding ---- */

#define KIND_MAX KA_REF_DATA
#define TYPE_MAX KA_EXPORT_UNUSED_GPL

/* A string that must be there. */
static char *need_str(struct ka_rbuf *b)
{
	char *s = ka_rbuf_str(b);
	if (!s)
		b->bad = true;
	return s;
}

static void get_strvec(struct ka_rbuf *b, struct strvec *v)
{
	uint32_t n = ka_rbuf_count(b, 4);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *s = need_str(b);
		if (s)
			strvec_push_owned(v, s);
	}
}

static unsigned get_kind(struct ka_rbuf *b)
{
	unsigned k = ka_rbuf_u8(b);
	if (k > KIND_MAX)
		b->bad = true;
	return k;
}

static struct ka_path_step *get_steps(struct ka_rbuf *b, size_t *n_out)
{
	uint32_t n = ka_rbuf_count(b, 5);
	struct ka_path_step *s = xcalloc(n + 1, sizeof(*s));
	*n_out = n;
	for (uint32_t i = 0; i < n; i++) {
		s[i].symbol = need_str(b);
		s[i].kind = get_kind(b);
	}
	return s;
}

static void get_site(struct ka_rbuf *b, struct ka_site *s)
{
	s->function = need_str(b);
	s->file = ka_rbuf_str(b);
	s->line = ka_rbuf_u32(b);
	s->kind = get_kind(b);
	s->section = need_str(b);
	s->offset = ka_rbuf_u64(b);
	s->has_debuginfo = ka_rbuf_u8(b) != 0;
	uint32_t n = ka_rbuf_count(b, 20);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *fn = ka_rbuf_str(b), *decl = ka_rbuf_str(b);
		unsigned dl = ka_rbuf_u32(b);
		char *call = ka_rbuf_str(b);
		unsigned cl = ka_rbuf_u32(b);
		if (!b->bad)
			ka_inline_chain_push(s, fn, decl, dl, call, cl);
		free(fn);
		free(decl);
		free(call);
	}
}

static void get_payload(struct ka_rbuf *b, const char *path,
			const char *owner, struct ka_file_facts *f)
{
	struct ka_tree_result *r = &f->r;
	uint32_t n = ka_rbuf_count(b, 14);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		bool fatal = ka_rbuf_u8(b), self = ka_rbuf_u8(b);
		char *file = ka_rbuf_str(b);
		unsigned line = ka_rbuf_u32(b);
		char *msg = need_str(b);
		if (!b->bad)
			ka_diag_add(&f->diags, fatal, self ? path : file, line,
				    "%s", msg);
		free(file);
		free(msg);
	}
	n = ka_rbuf_count(b, 8);
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		char *key = need_str(b);
		unsigned v = ka_rbuf_u32(b);
		if (!b->bad)
			ka_inline_count_add(&r->inline_counts, key, v);
		free(key);
	}
	n = ka_rbuf_count(b, 36);
	r->uses = xcalloc(n + 1, sizeof(*r->uses));
	r->cap_uses = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_inline_use *u = xcalloc(1, sizeof(*u));
		r->uses[r->n_uses++] = u;
		u->function = need_str(b);
		u->decl_file = need_str(b);
		u->decl_line = ka_rbuf_u32(b);
		u->instances = ka_rbuf_u32(b);
		u->example_file = ka_rbuf_str(b);
		u->example_line = ka_rbuf_u32(b);
		u->example_function = ka_rbuf_str(b);
		if (u->example_file)
			u->example_object = xstrdup(path);
		get_strvec(b, &u->inner);
		uint32_t ns = ka_rbuf_count(b, 16);
		u->syms = xcalloc(ns + 1, sizeof(*u->syms));
		u->cap_syms = ns + 1;
		for (uint32_t k = 0; k < ns && !b->bad; k++) {
			struct ka_inline_sym *y = &u->syms[u->n_syms++];
			y->symbol = need_str(b);
			y->instances = ka_rbuf_u32(b);
			y->by_param = ka_rbuf_u32(b);
			get_strvec(b, &y->via);
			if (y->symbol)
				strvec_push(&u->gpl_symbols, y->symbol);
		}
	}
	n = ka_rbuf_count(b, 25);
	r->wrappers = xcalloc(n + 1, sizeof(*r->wrappers));
	r->cap_wrappers = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_wrapper_fact *w = &r->wrappers[r->n_wrappers++];
		w->object = xstrdup(path);
		w->owner = xstrdup(owner);
		w->symbol = need_str(b);
		w->type = ka_rbuf_u8(b);
		if (w->type > TYPE_MAX)
			b->bad = true;
		w->size = ka_rbuf_u64(b);
		w->steps = get_steps(b, &w->n_steps);
		w->sites = xcalloc(w->n_steps + 1, sizeof(*w->sites));
		for (size_t k = 0; k < w->n_steps && !b->bad; k++)
			get_site(b, &w->sites[k]);
		get_strvec(b, &w->reached);
		uint32_t nt = ka_rbuf_count(b, 8);
		w->targets = xcalloc(nt + 1, sizeof(*w->targets));
		for (uint32_t k = 0; k < nt && !b->bad; k++) {
			struct ka_wrapper_target *t = &w->targets[w->n_targets++];
			t->symbol = need_str(b);
			t->steps = get_steps(b, &t->n_steps);
		}
	}
	n = ka_rbuf_count(b, 12);
	r->reach = xcalloc(n + 1, sizeof(*r->reach));
	r->cap_reach = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_reach_fact *x = &r->reach[r->n_reach++];
		x->owner = xstrdup(owner);
		x->function = need_str(b);
		x->gpl_export = ka_rbuf_str(b);
		get_strvec(b, &x->plain_path);
	}
	n = ka_rbuf_count(b, 4);
	r->paths = xcalloc(n + 1, sizeof(*r->paths));
	r->cap_paths = n + 1;
	for (uint32_t i = 0; i < n && !b->bad; i++) {
		struct ka_explain_path *p = &r->paths[r->n_paths++];
		p->object = xstrdup(path);
		p->steps = get_steps(b, &p->n_steps);
	}
	if (b->off != b->n)
		b->bad = true;
}

int ka_cache_decode(const void *buf, size_t len,
		    const struct ka_cache_key *key, const char *tool,
		    const char *path, const char *owner,
		    struct ka_file_facts *f, char **why)
{
	struct ka_rbuf b = { .p = buf, .n = len };
	const char *bad = NULL;
	char *t = NULL;
	if (len < sizeof(magic) || memcmp(buf, magic, sizeof(magic)) != 0) {
		*why = xstrdup("not a ksymaudit cache entry");
		return -1;
	}
	b.off = sizeof(magic);
	uint32_t format = ka_rbuf_u32(&b);
	if (!b.bad && format != KA_CACHE_FORMAT) {
		*why = xasprintf("format version %u, not %u", format,
				 KA_CACHE_FORMAT);
		return -2;
	}
	t = ka_rbuf_str(&b);
	bool t_stale = false;
	if (!b.bad && (!t || strcmp(t, tool) != 0)) {
		bad = "written by another build of ksymaudit";
		t_stale = true;
	}
	uint64_t h0 = ka_rbuf_u64(&b), h1 = ka_rbuf_u64(&b);
	if (!bad && !b.bad && (h0 != key->h[0] || h1 != key->h[1]))
		bad = "holds another key";
	uint64_t n = ka_rbuf_u64(&b), sum = ka_rbuf_u64(&b);
	free(t);
	if (b.bad) {
		*why = xstrdup("truncated header");
		return -1;
	}
	if (bad) {
		*why = xstrdup(bad);
		return t_stale ? -2 : -1;
	}
	if (n != b.n - b.off) {
		*why = xasprintf("payload of %llu bytes, %zu present (truncated?)",
				 (unsigned long long)n, b.n - b.off);
		return -1;
	}
	if (ka_hash64(b.p + b.off, (size_t)n, 0) != sum) {
		*why = xstrdup("checksum mismatch");
		return -1;
	}
	struct ka_rbuf p = { .p = b.p + b.off, .n = (size_t)n };
	get_payload(&p, path, owner, f);
	if (p.bad) {
		ka_file_facts_free(f);
		ka_file_facts_init(f);
		*why = xasprintf("malformed payload at byte %zu", p.off);
		return -1;
	}
	return 0;
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
			note(c, "%s: %s: ignored", file, strerror(errno));
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
		pthread_mutex_lock(&c->lock);
		c->st.hits++;
		pthread_mutex_unlock(&c->lock);
		return 0;
	}
bad:
	if (r != -2)
		note(c, "cache entry %s (for %s): %s: ignored", file, path,
		     why ? why : "unreadable");
	free(why);
	close(fd);
	unlink(file);
	pthread_mutex_lock(&c->lock);
	if (r == -2)
		c->st.stale++;
	else
		c->st.rejected++;
	pthread_mutex_unlock(&c->lock);
miss:
	free(file);
	pthread_mutex_lock(&c->lock);
	c->st.misses++;
	pthread_mutex_unlock(&c->lock);
	return -1;
}

/* Writes b to file through a temporary file and a rename. */
static bool write_entry(struct ka_cache *c, const char *file,
			const struct ka_wbuf *b)
{
	pthread_mutex_lock(&c->lock);
	unsigned seq = c->seq++;
	pthread_mutex_unlock(&c->lock);
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
		note(c, "%s: cannot write a cache entry: %s", c->dir,
		     strerror(errno));
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
	if (write_entry(c, file, &b)) {
		pthread_mutex_lock(&c->lock);
		c->st.stored++;
		pthread_mutex_unlock(&c->lock);
	}
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
		note(c, "%s: %u cache entries of another build or format of "
		     "ksymaudit ignored and replaced", c->dir, c->st.stale);
	for (size_t i = 0; i < c->notes.n; i++)
		if (notes)
			strvec_push(notes, c->notes.v[i]);
	if (stats)
		*stats = c->st;
	strvec_free(&c->notes);
	pthread_mutex_destroy(&c->lock);
	free(c->dir);
	free(c->tool);
	free(c);
}
