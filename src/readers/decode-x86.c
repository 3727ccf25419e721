/*
 * x86-64 instructions to references: a relative call, jump or conditional
 * jump names its target (KA_REF_CALL, as relocs.c names a branch's
 * relocation); a RIP-relative memory operand (`mov apic(%rip),%rax`,
 * `lea`, %gs:var(%rip) per-CPU accesses), an absolute displacement
 * (`mov table(,%rax,8),%rdx`, `_ctype(%rax)`, zero-based per-CPU offsets, a zero-based %gs:var before 6.15) or an
 * immediate that is an address of the image (`mov $sym,%rdi`, `movabs`)
 * names what it points into (KA_REF_CODE). The site is the instruction's
 * displacement or immediate field: where the relocation would be.
 */
#include <stdint.h>
#include <string.h>

#include "config.h"

#if ENABLE_CAPSTONE
#include "decode.h"

static bool in_group(const cs_detail *dt, uint8_t g)
{
	for (uint8_t i = 0; i < dt->groups_count; i++)
		if (dt->groups[i] == g)
			return true;
	return false;
}

/*
 * Where the 32-bit field holding v sits in the instruction: Capstone's
 * encoding offsets when it gives them (4.0 leaves them 0 for some forms,
 * e.g. an operand-size prefix), else the first place its bytes appear.
 */
static unsigned field_at(const cs_insn *insn, unsigned given, int64_t v)
{
	if (given)
		return given;
	uint32_t u = (uint32_t)v;
	uint8_t b[4] = { u & 0xff, u >> 8 & 0xff, u >> 16 & 0xff, u >> 24 };
	for (unsigned k = 1; k + 4 <= insn->size; k++)
		if (!memcmp(insn->bytes + k, b, 4))
			return k;
	return 0;
}

static void x86_one(struct ka_dec *d, void *state, const cs_insn *insn,
		     size_t scn, uint64_t off)
{
	(void)state;
	const cs_detail *dt = insn->detail;
	if (!dt || insn->id == X86_INS_NOP)
		return;
	const cs_x86 *x = &dt->x86;
	if ((in_group(dt, CS_GRP_CALL) || in_group(dt, CS_GRP_JUMP)) &&
	    x->op_count == 1 && x->operands[0].type == X86_OP_IMM) {
		/* rel32 (e8, e9, 0f 8x: 5 bytes or more) or rel8, the
		 * instruction's last field. */
		unsigned field = insn->size >= 5 ? 4 : 1;
		ka_dec_emit(d, KA_REF_CALL, scn, off + insn->size - field,
			    (uint64_t)x->operands[0].imm);
		return;
	}
	for (uint8_t i = 0; i < x->op_count; i++) {
		const cs_x86_op *op = &x->operands[i];
		if (op->type == X86_OP_MEM) {
			uint64_t t;
			/* %gs:var or %gs:var(,%idx,8): a zero-based per-CPU
			 * variable; %gs:0x18(%rax) is a field of a pointer */
			bool percpu = op->mem.segment == X86_REG_GS &&
				      (op->mem.base == X86_REG_INVALID ||
				       op->mem.disp >= 4096);
			if (op->mem.base == X86_REG_RIP)
				t = insn->address + insn->size +
				    (uint64_t)op->mem.disp;
			else if (op->mem.disp < INT32_MIN || op->mem.disp > INT32_MAX ||
				 (!percpu && op->mem.disp >= 0 &&
				  op->mem.disp < 4096))
				continue; /* a small offset from a register */
			else if (percpu && op->mem.disp == 40)
				continue; /* the stack protector's %gs:40 */
			else
				t = (uint64_t)op->mem.disp;
			unsigned f = field_at(insn, x->encoding.disp_offset,
					      op->mem.disp);
			if (f && ka_dec_is_address(d, t, percpu))
				ka_dec_emit(d, KA_REF_CODE, scn, off + f, t);
		} else if (op->type == X86_OP_IMM) {
			uint64_t t = (uint64_t)op->imm;
			/* A zero-based per-CPU symbol's offset (x86-64 before
			 * 6.15: `mov $runqueues,%rax; add %gs:this_cpu_off,%rax`)
			 * is a small number; a compiler loads a small constant
			 * into a register with a 32-bit mov, so a sign-extending
			 * 64-bit one loads a symbol (`movq $0x7bf,0x20(%rax)`
			 * stores a constant). */
			bool percpu = insn->id == X86_INS_MOV && (x->rex & 8) &&
				      x->op_count == 2 &&
				      x->operands[0].type == X86_OP_REG &&
				      op->imm >= 48 && op->imm < INT32_MAX;
			if (!ka_dec_is_address(d, t, percpu))
				continue;
			unsigned f = x->encoding.imm_offset;
			if (!f || x->encoding.imm_size < 4)
				f = field_at(insn, 0, op->imm);
			if (f)
				ka_dec_emit(d, KA_REF_CODE, scn, off + f, t);
		}
	}
}

const struct ka_dec_arch ka_dec_x86_64 = {
	.machine = EM_X86_64,
	.arch = CS_ARCH_X86,
	.mode = CS_MODE_64,
	.insn = x86_one,
};
#endif
