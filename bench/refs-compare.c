/*
 * Decoded references against the truth: the references the relocations of
 * TRUTH say (vmlinux.o, or a vmlinux linked with --emit-relocs) next to the
 * ones ksymaudit decodes from the code of LINKED (the same kernel's vmlinux:
 * without relocations for its code, read as the tool reads it; with them,
 * decoding is forced). Three classes, as the
 * tool uses them: calls and jumps to another function (KA_REF_CALL), other
 * references from code to functions and data objects (KA_REF_CODE: "data"),
 * and static keys (KA_REF_STATIC_KEY, from __jump_table); also, without a
 * bar, references from x86 alternatives' replacement code, at the
 * instruction they patch (KA_REF_ALTINSTR).
 *
 *   refs-compare [--min PCT] [-v] TRUTH LINKED
 *
 * A reference is its class, its site — the function holding the relocated
 * field and the field's offset in it — and its target, the function or
 * object holding the address referred to. Functions and objects are named
 * across the two files by name (globals) or by file symbol and name
 * (statics), so vmlinux.o's sections and vmlinux's addresses line up. A
 * PC-relative code relocation's target is S + A + 4 plus the size of any
 * immediate after the field (0, 1, 2 or 4 bytes): any of those holders
 * matches. Counted only where both files have the site's function;
 * relocations to nothing the symbol table holds (linker-script symbols,
 * string literals, the site's own function) are left out, and counted.
 * Prints per class the truth and decoded counts, matches, recall and
 * precision; exit 1 when any is below PCT (with --min), 2 on bad input.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksymaudit/hashmap.h"
#include "ksymaudit/refs.h"

enum cls { C_CALL, C_DATA, C_KEY, C_ALT, C_N };
static const char *const cls_name[C_N] = { "calls", "data", "static keys",
					   "alternatives" };

struct ent {
	size_t scn;
	uint64_t off, size;
	char *id; /* canonical name */
};

struct file {
	struct ka_elf e;
	struct ent *v;
	size_t n;
	bool linked;
	uint64_t *scn_addr;
	size_t nscn;
	Elf_Data *symdata;
	size_t strndx;
	struct hashmap funcs; /* canonical ids of functions, for scope */
	struct hashmap byid;  /* canonical id -> struct ent (after sorting) */
};

static int cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;
	if (x->scn != y->scn)
		return x->scn < y->scn ? -1 : 1;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->size > y->size ? -1 : x->size < y->size;
}

/* Canonical id of symbol i: "name" for globals, "file::name" for statics. */
static char **ids;

static int load(const char *path, struct file *f)
{
	char *why = NULL;
	if (ka_elf_open(path, &f->e, &why) < 0) {
		fprintf(stderr, "refs-compare: %s: %s\n", path, why ? why : "cannot open");
		return -1;
	}
	f->linked = f->e.ehdr.e_type != ET_REL;
	elf_getshdrnum(f->e.elf, &f->nscn);
	f->scn_addr = calloc(f->nscn + 1, sizeof(*f->scn_addr));
	Elf_Scn *scn = NULL, *sym = NULL;
	while ((scn = elf_nextscn(f->e.elf, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		f->scn_addr[elf_ndxscn(scn)] = f->linked ? sh.sh_addr : 0;
		if (sh.sh_type == SHT_SYMTAB) {
			sym = scn;
			f->strndx = sh.sh_link;
		}
	}
	if (!sym || !(f->symdata = elf_getdata(sym, NULL))) {
		fprintf(stderr, "refs-compare: %s: no symbol table\n", path);
		return -1;
	}
	size_t n = f->symdata->d_size / gelf_fsize(f->e.elf, ELF_T_SYM, 1, EV_CURRENT);
	ids = calloc(n + 1, sizeof(*ids));
	const char *file = "";
	size_t cap = 0;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(f->symdata, (int)i, &s))
			continue;
		const char *name = elf_strptr(f->e.elf, f->strndx, s.st_name);
		int t = GELF_ST_TYPE(s.st_info);
		if (t == STT_FILE) {
			file = name ? name : "";
			continue;
		}
		if ((t != STT_FUNC && t != STT_OBJECT) || !name || !*name || !s.st_size ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= f->nscn)
			continue;
		ids[i] = GELF_ST_BIND(s.st_info) == STB_LOCAL
				 ? xasprintf("%s::%s", file, name)
				 : xstrdup(name);
		ARRAY_GROW(f->v, f->n, cap);
		f->v[f->n++] = (struct ent){ s.st_shndx,
					     s.st_value - f->scn_addr[s.st_shndx],
					     s.st_size, ids[i] };
		if (t == STT_FUNC)
			hashmap_put(&f->funcs, ids[i], ids[i]);
	}
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), cmp_ent);
	for (size_t k = 0; k < f->n; k++)
		if (!hashmap_get(&f->byid, f->v[k].id))
			hashmap_put(&f->byid, f->v[k].id, &f->v[k]);
	return 0;
}

static void free_file(struct file *f, char **fids)
{
	size_t n = f->symdata ? f->symdata->d_size /
				gelf_fsize(f->e.elf, ELF_T_SYM, 1, EV_CURRENT)
			      : 0;
	for (size_t i = 0; i <= n && fids; i++)
		free(fids[i]);
	free(fids);
	free(f->v);
	free(f->scn_addr);
	hashmap_free(&f->funcs);
	hashmap_free(&f->byid);
	ka_elf_close(&f->e);
}

static const struct ent *holder(const struct file *f, size_t scn, uint64_t off)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ent *x = &f->v[mid];
		if (x->scn < scn || (x->scn == scn && x->off <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t k = lo, steps = 0; k-- > 0 && steps < 16; steps++) {
		const struct ent *x = &f->v[k];
		if (x->scn != scn)
			break;
		if (off < x->off + x->size || (!x->size && off == x->off))
			return x;
	}
	return NULL;
}

static int cls_of(enum ka_ref_kind k)
{
	return k == KA_REF_CALL ? C_CALL : k == KA_REF_CODE ? C_DATA
		: k == KA_REF_STATIC_KEY ? C_KEY : k == KA_REF_ALTINSTR ? C_ALT : -1;
}

/* "class\tsite-id+off" -> targets ("\t"-joined candidate ids). */
static void add(struct hashmap *m, int c, const struct ent *site, uint64_t off,
		const char *targets)
{
	char *key = xasprintf("%d\t%s+%" PRIx64, c, site->id, off - site->off);
	if (hashmap_get(m, key)) {
		/* Two references at one site (an ADRP used twice): keep both,
		 * in the slot that holds the key already. */
		hashmap_foreach(m, slot) {
			if (strcmp(slot->key, key) != 0)
				continue;
			char *j = xasprintf("%s\n%s", (char *)slot->value, targets);
			free(slot->value);
			slot->value = j;
			break;
		}
		free(key);
		return;
	}
	hashmap_put(m, key, xstrdup(targets));
}

/* Is id one of the tab-separated names of list ("\tA\tB\t")? */
static bool has(const char *list, const char *id)
{
	char *pat = xasprintf("\t%s\t", id);
	bool r = strstr(list, pat) != NULL;
	free(pat);
	return r;
}

/* A site whose truth is left out: decoded references there are too. */
static void skip_site(struct hashmap *m, int c, const struct ent *site,
		      uint64_t off)
{
	char *key = xasprintf("%d\t%s+%" PRIx64, c, site->id, off - site->off);
	if (hashmap_get(m, key))
		free(key);
	else
		hashmap_put(m, key, "");
}

static bool pc_rel_code(unsigned m, unsigned t)
{
	return m == EM_X86_64 && (t == R_X86_64_PC32 || t == R_X86_64_PLT32);
}

/*
 * arm64: the instruction at rel in the truth object's function ft, a
 * branch the assembler resolved (B, BL: imm26; B.cond, CBZ, CBNZ:
 * imm19; TBZ, TBNZ: imm14, all in words from the instruction): does it
 * lead into target?
 */
static bool resolved_arm64(const struct file *t, const struct ent *ft,
			   uint64_t rel, const char *target)
{
	Elf_Data *td = elf_rawdata(elf_getscn(t->e.elf, ft->scn), NULL);
	uint64_t to = ft->off + rel;
	if (!td || !td->d_buf || to + 4 > td->d_size)
		return false;
	const uint8_t *q = (const uint8_t *)td->d_buf + to;
	uint32_t insn = (uint32_t)q[0] | (uint32_t)q[1] << 8 |
			(uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
	int64_t words;
	if ((insn & 0x7c000000) == 0x14000000)          /* B, BL */
		words = (int32_t)(insn << 6) >> 6;
	else if ((insn & 0xff000010) == 0x54000000 ||    /* B.cond */
		 (insn & 0x7e000000) == 0x34000000)      /* CBZ, CBNZ */
		words = (int32_t)((insn >> 5) << 13) >> 13;
	else if ((insn & 0x7e000000) == 0x36000000)      /* TBZ, TBNZ */
		words = (int32_t)((insn >> 5) << 18) >> 18;
	else
		return false;
	const struct ent *h = holder(t, ft->scn, to + (uint64_t)(words * 4));
	return h && !strcmp(h->id, target);
}

/*
 * A decoded call with no relocation at its site: does the branch in the
 * truth object itself (resolved by the assembler, within one section)
 * lead to the same function? key is "class\tsite-id+off".
 */
static bool resolved(const struct file *t, const struct file *d,
		     const char *key, const char *target)
{
	const char *tab = strchr(key, '\t'), *plus = strrchr(key, '+');
	if (!tab || !plus)
		return false;
	char *id = xstrndup(tab + 1, (size_t)(plus - tab - 1));
	const struct ent *ft = hashmap_get(&t->byid, id);
	const struct ent *fd = hashmap_get(&d->byid, id);
	free(id);
	uint64_t rel = strtoull(plus + 1, NULL, 16);
	if (!ft || !fd)
		return false;
	if (t->e.ehdr.e_machine == EM_AARCH64)
		return resolved_arm64(t, ft, rel, target);
	if (t->e.ehdr.e_machine != EM_X86_64)
		return false;
	Elf_Data *dd = elf_rawdata(elf_getscn(d->e.elf, fd->scn), NULL);
	Elf_Data *td = elf_rawdata(elf_getscn(t->e.elf, ft->scn), NULL);
	uint64_t fo = fd->off + rel, to = ft->off + rel;
	if (!dd || !td || !dd->d_buf || !td->d_buf || fo < 2 ||
	    fo + 4 > dd->d_size || to + 4 > td->d_size)
		return false;
	const uint8_t *p = (const uint8_t *)dd->d_buf + fo;
	const uint8_t *q = (const uint8_t *)td->d_buf + to;
	bool rel32 = p[-1] == 0xe8 || p[-1] == 0xe9 ||
		     (p[-2] == 0x0f && (p[-1] & 0xf0) == 0x80);
	int64_t v = rel32 ? (int32_t)((uint32_t)q[0] | (uint32_t)q[1] << 8 |
				      (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24)
			  : (int8_t)q[0];
	const struct ent *h = holder(t, ft->scn, to + (rel32 ? 4 : 1) + (uint64_t)v);
	return h && !strcmp(h->id, target);
}

static bool code_relocs(struct ka_elf *e)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e->elf, scn))) {
		GElf_Shdr sh, th;
		Elf_Scn *ts;
		if (gelf_getshdr(scn, &sh) &&
		    (sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
		    sh.sh_size && (ts = elf_getscn(e->elf, sh.sh_info)) &&
		    gelf_getshdr(ts, &th) && (th.sh_flags & SHF_EXECINSTR))
			return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	double min = -1;
	bool verbose = false;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--min") && i + 1 < argc)
			min = atof(argv[++i]);
		else if (!strcmp(argv[i], "-v"))
			verbose = true;
		else
			break;
	}
	if (argc - i != 2) {
		fprintf(stderr, "usage: refs-compare [--min PCT] [-v] TRUTH LINKED\n");
		return 2;
	}
	elf_version(EV_CURRENT);
	struct file t = { 0 }, d = { 0 };
	if (load(argv[i], &t) < 0)
		return 2;
	char **tids = ids;
	if (load(argv[i + 1], &d) < 0)
		return 2;
	char **dids = ids;
	if (!ka_refs_decodable(d.e.ehdr.e_machine)) {
		fprintf(stderr, "refs-compare: %s: no decoder for this machine "
			"(or built without Capstone)\n", argv[i + 1]);
		return 2;
	}
	struct ka_refs tr = { 0 }, dr = { 0 };
	struct ka_diags diags = { 0 };
	/* LINKED without relocations for its code: the tool's own path
	 * (ka_refs_collect decodes); with them, decoding is forced. */
	bool forced = code_relocs(&d.e);
	if (ka_refs_collect(&t.e, NULL, NULL, &tr, &diags) < 0 ||
	    (forced ? ka_refs_decode(&d.e, NULL, NULL, &dr, &diags)
		    : ka_refs_collect(&d.e, NULL, NULL, &dr, &diags)) < 0) {
		for (size_t k = 0; k < diags.n; k++)
			fprintf(stderr, "refs-compare: %s: %s\n", diags.v[k].file,
				diags.v[k].message);
		return 2;
	}
	struct hashmap truth = { 0 }, dec = { 0 }, skip = { 0 };
	unsigned long left_out = 0, out_of_scope = 0;
	unsigned m = t.e.ehdr.e_machine;
	for (size_t k = 0; k < tr.n; k++) {
		const struct ka_ref *r = &tr.v[k];
		int c = cls_of(r->kind);
		if (c < 0)
			continue;
		const struct ent *site = holder(&t, r->scn, r->offset);
		if (!site || !hashmap_get(&d.funcs, site->id)) {
			out_of_scope++;
			continue;
		}
		GElf_Sym s;
		if (!gelf_getsym(t.symdata, (int)r->sym_index, &s) ||
		    s.st_shndx == SHN_UNDEF || s.st_shndx >= t.nscn) {
			left_out++;
			skip_site(&skip, c, site, r->offset);
			continue;
		}
		uint64_t a = s.st_value - t.scn_addr[s.st_shndx] + (uint64_t)r->addend;
		char *cands = xstrdup("\t");
		bool pc = pc_rel_code(m, r->r_type) && c != C_KEY;
		static const int extra[] = { 4, 5, 6, 8 };
		for (size_t x = 0; x < (pc ? KA_ARRAY_SIZE(extra) : 1); x++) {
			const struct ent *h = holder(&t, s.st_shndx,
						     a + (pc ? extra[x] : 0));
			if (h == site) { /* into its own function: no edge */
				cands[1] = 0;
				break;
			}
			if (!h || has(cands, h->id))
				continue;
			char *n = xasprintf("%s%s\t", cands, h->id);
			free(cands);
			cands = n;
		}
		if (!cands[1]) {
			left_out++;
			skip_site(&skip, c, site, r->offset);
			free(cands);
			continue;
		}
		add(&truth, c, site, r->offset, cands);
		free(cands);
	}
	unsigned long dec_scope = 0;
	for (size_t k = 0; k < dr.n; k++) {
		const struct ka_ref *r = &dr.v[k];
		int c = cls_of(r->kind);
		if (c < 0)
			continue;
		const struct ent *site = holder(&d, r->scn, r->offset);
		if (!site || !hashmap_get(&t.funcs, site->id) ||
		    !dids[r->sym_index] || !strcmp(dids[r->sym_index], site->id)) {
			dec_scope++;
			continue;
		}
		char *key = xasprintf("%d\t%s+%" PRIx64, c, site->id,
				      r->offset - site->off);
		bool skipped = hashmap_get(&skip, key) && !hashmap_get(&truth, key);
		free(key);
		if (skipped) {
			dec_scope++;
			continue;
		}
		add(&dec, c, site, r->offset, dids[r->sym_index]);
	}
	unsigned long asm_resolved = 0;
	unsigned long nt[C_N] = { 0 }, nd[C_N] = { 0 }, hit[C_N] = { 0 },
		      dhit[C_N] = { 0 };
	hashmap_foreach(&truth, slot) {
		int c = slot->key[0] - '0';
		nt[c]++;
		const char *got = hashmap_get(&dec, slot->key);
		bool ok = false;
		if (got) {
			/* any decoded target among the candidates */
			char *g = xstrdup(got);
			for (char *sv, *p = strtok_r(g, "\n", &sv); p && !ok;
			     p = strtok_r(NULL, "\n", &sv)) {
				ok = has(slot->value, p);
			}
			free(g);
		}
		if (ok)
			hit[c]++;
		else if (verbose)
			printf("missed %s -> %s (decoded: %s)\n", slot->key,
			       (char *)slot->value, got ? got : "nothing");
	}
	hashmap_foreach(&dec, slot) {
		int c = slot->key[0] - '0';
		nd[c]++;
		const char *want = hashmap_get(&truth, slot->key);
		char *first = xstrdup(slot->value);
		char *nl = strchr(first, '\n');
		if (nl)
			*nl = 0;
		if (want && has(want, first))
			dhit[c]++;
		else if (!want && c == C_CALL && resolved(&t, &d, slot->key, first)) {
			/* the object's own bytes say so: a truth reference */
			dhit[c]++;
			hit[c]++;
			nt[c]++;
			asm_resolved++;
		} else if (verbose)
			printf("extra %s -> %s (truth: %s)\n", slot->key,
			       (char *)slot->value, want ? want : "nothing");
		free(first);
	}
	printf("truth:   %s (%zu references)\ndecoded: %s (%zu references, %s)\n",
	       argv[i], tr.n, argv[i + 1], dr.n,
	       forced ? "decoding forced: it has relocations"
		      : "no relocations for its code: as the tool reads it");
	printf("left out: %lu truth references to no function or object, "
	       "%lu + %lu sites outside functions both files have\n",
	       left_out, out_of_scope, dec_scope);
	printf("calls the assembler resolved in the object (no relocation), "
	       "checked in its bytes: %lu\n", asm_resolved);
	printf("%-12s %9s %9s %9s %8s %9s\n", "class", "truth", "decoded",
	       "matched", "recall", "precision");
	int rc = 0;
	for (int c = 0; c < C_N; c++) {
		double rec = nt[c] ? 100.0 * hit[c] / nt[c] : 100.0;
		double pre = nd[c] ? 100.0 * dhit[c] / nd[c] : 100.0;
		printf("%-12s %9lu %9lu %9lu %7.2f%% %8.2f%%\n", cls_name[c],
		       nt[c], nd[c], hit[c], rec, pre);
		if (min >= 0 && c != C_ALT && (rec < min || pre < min))
			rc = 1;
	}
	/* Everything freed: the sanitizer build runs this as a test. */
	ka_refs_free(&tr);
	ka_refs_free(&dr);
	ka_diags_free(&diags);
	struct hashmap *maps[] = { &truth, &dec, &skip };
	for (size_t k = 0; k < KA_ARRAY_SIZE(maps); k++) {
		hashmap_foreach(maps[k], slot) {
			free((char *)slot->key);
			if (maps[k] != &skip)
				free(slot->value);
		}
		hashmap_free(maps[k]);
	}
	free_file(&t, tids);
	free_file(&d, dids);
	return rc;
}
