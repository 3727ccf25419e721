/*
 * The key of a file in the fact cache (see src/model/cache.c): its
 * build-id and size (a hash of its bytes when it has no build-id,
 * remembered for large files: content_hash), its owner, the tool's
 * identity and the cache format, the options that change facts (checks,
 * explain symbol, reach, depth, debug root, header rules), and one byte
 * per symbol of its symbol table saying whether and how that name is
 * exported in this run: a file's references to other files' exports
 * (GPL-only or not) are the only facts it takes from outside, and every
 * lookup the graph makes is by a name of that table. Only objects with
 * their own DWARF are cached (not in a separate debug file, nor in a dwz
 * file): facts read from another file would follow that file.
 */
#include <elfutils/libdwelf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache-dir.h"

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
		ka_cache_write_entry(c, file, &m);
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
