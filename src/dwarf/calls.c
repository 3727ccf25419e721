/*
 * Direct calls that have no relocation: the assembler resolves a call or
 * jump to a function of the same section itself (static helpers, tail
 * calls), so only the code knows them; the DWARF call sites
 * (DW_TAG_call_site) say where those instructions are. The function's
 * DIE comes from the CU index (cu-index.c).
 */
#include <dwarf.h>
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct calls {
	uint64_t lo, hi; /* the node's DWARF range */
	uint64_t *ret;   /* return addresses of call sites in it */
	size_t n, cap;
};

static void find_calls(Dwarf_Die *parent, struct calls *c)
{
	Dwarf_Die child;
	if (dwarf_child(parent, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		if (tag == DW_TAG_call_site || tag == DW_TAG_GNU_call_site) {
			Dwarf_Attribute a;
			Dwarf_Addr pc;
			if ((dwarf_attr(&child, DW_AT_call_return_pc, &a) ||
			     dwarf_attr(&child, DW_AT_low_pc, &a)) &&
			    dwarf_formaddr(&a, &pc) == 0 && pc > c->lo &&
			    pc <= c->hi) {
				ARRAY_GROW(c->ret, c->n, c->cap);
				c->ret[c->n++] = pc;
			}
		} else if (tag == DW_TAG_lexical_block ||
			   tag == DW_TAG_inlined_subroutine) {
			find_calls(&child, c);
		}
	} while (dwarf_siblingof(&child, &child) == 0);
}

/* x86: the target of the call/jmp instruction that ends at off. */
static bool x86_target(Elf_Data *data, uint64_t off, uint64_t *target,
		       uint64_t *site)
{
	const unsigned char *p = data->d_buf;
	if (!p || off > data->d_size)
		return false;
	if (off >= 5 && (p[off - 5] == 0xe8 || p[off - 5] == 0xe9)) {
		int32_t disp = (int32_t)((uint32_t)p[off - 4] |
					 (uint32_t)p[off - 3] << 8 |
					 (uint32_t)p[off - 2] << 16 |
					 (uint32_t)p[off - 1] << 24);
		*target = off + (uint64_t)(int64_t)disp;
		*site = off - 4;
		return true;
	}
	if (off >= 2 && p[off - 2] == 0xeb) {
		*target = off + (uint64_t)(int64_t)(int8_t)p[off - 1];
		*site = off - 1;
		return true;
	}
	return false;
}

/* arm64 (little-endian): the BL or B (imm26, in words) that ends at off. */
static bool arm64_target(Elf_Data *data, uint64_t off, uint64_t *target,
			 uint64_t *site)
{
	const unsigned char *p = data->d_buf;
	if (!p || off < 4 || off > data->d_size)
		return false;
	uint32_t insn = (uint32_t)p[off - 4] | (uint32_t)p[off - 3] << 8 |
			(uint32_t)p[off - 2] << 16 | (uint32_t)p[off - 1] << 24;
	if ((insn & 0x7c000000) != 0x14000000)
		return false;
	int64_t words = (int32_t)(insn << 6) >> 6;
	*site = off - 4;
	*target = *site + (uint64_t)(words * 4);
	return true;
}

size_t ka_dwarf_direct_calls(struct ka_dwarf *d, struct ka_elf *e, size_t scn,
			     uint64_t offset, uint64_t size,
			     struct ka_dwarf_call **out)
{
	unsigned m = e->ehdr.e_machine;
	*out = NULL;
	bool arm64 = m == EM_AARCH64 && e->ehdr.e_ident[EI_DATA] == ELFDATA2LSB;
	if ((m != EM_X86_64 && m != EM_386 && !arm64) || !size)
		return 0;
	uint64_t base = ka_dwarf_addr(d, scn, 0);
	Dwarf_Die die;
	if (base == UINT64_MAX || !ka_dwarf_func_die(d, base + offset, &die))
		return 0;
	Elf_Scn *s = elf_getscn(e->elf, scn);
	Elf_Data *data = s ? elf_rawdata(s, NULL) : NULL;
	if (!data)
		return 0;
	struct calls c = { .lo = base + offset, .hi = base + offset + size };
	find_calls(&die, &c);
	size_t n = 0;
	for (size_t i = 0; i < c.n; i++) {
		uint64_t ret = c.ret[i] - base, target, site;
		if (!(arm64 ? arm64_target(data, ret, &target, &site)
			    : x86_target(data, ret, &target, &site)) ||
		    target >= data->d_size)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = (struct ka_dwarf_call){ site, target };
	}
	free(c.ret);
	return n;
}
