/*
 * arm64 instructions to references. BL and B name their target
 * (KA_REF_CALL, as R_AARCH64_CALL26/JUMP26 do), B.cond, CBZ/CBNZ and
 * TBZ/TBNZ theirs as other code references; ADR names its address. An
 * address outside ±1 MiB takes two instructions, ADRP xN, page then an
 * ADD xM, xN, #lo12 or a load/store [xN, #lo12]: the pair is followed per
 * register through the linear sweep and both instructions become
 * references to page + lo12, as their two relocations (ADR_PREL_PG_HI21 and
 * ADD_ABS_LO12_NC / LDST*_ABS_LO12_NC) name it. A register written by any
 * other instruction forgets its page; so does, at a call, one the call
 * may return in (x0, x1), the veneers' x16 and x17, and x30. Code after a
 * call that reads another register without writing it relies on the
 * callee keeping it (GCC's -fipa-ra knows which callees do), and so does
 * the sweep. A register restored from the stack and then RET (an early
 * return's epilogue) keeps its page for the code after the RET, which is
 * reached by a branch from before the epilogue.
 */
#include <string.h>

#include "config.h"

#if ENABLE_CAPSTONE
#include "decode.h"

struct arm64_state {
	uint64_t page[31];
	uint64_t adrp_off[31]; /* section offset of the ADRP */
	uint32_t valid;        /* bit n: page[n] holds an ADRP's page */
	uint32_t emitted;      /* bit n: its ADRP was reported */
	uint32_t restored;     /* bit n: valid until restored from the stack,
				* valid again after the next RET */
};

/* x0..x30 as 0..30, else -1 (sp, zr, w registers, vector registers). */
static int xreg(arm64_reg r)
{
	if (r >= ARM64_REG_X0 && r <= ARM64_REG_X28)
		return (int)(r - ARM64_REG_X0);
	if (r == ARM64_REG_X29)
		return 29;
	if (r == ARM64_REG_X30)
		return 30;
	return -1;
}

static void use(struct ka_dec *d, struct arm64_state *st, int n, int64_t lo,
		size_t scn, uint64_t off)
{
	uint64_t t = st->page[n] + (uint64_t)lo;
	if (!ka_dec_is_address(d, t, false))
		return;
	if (!(st->emitted >> n & 1)) {
		ka_dec_emit(d, KA_REF_CODE, scn, st->adrp_off[n], t);
		st->emitted |= 1u << n;
	}
	ka_dec_emit(d, KA_REF_CODE, scn, off, t);
}

/* Forgets the page of the register op writes; from_stack: a restore
 * (LDP/LDR from [sp, ...]) that a RET may undo for the sweep. */
static void forget(struct arm64_state *st, const cs_arm64_op *op,
		   bool from_stack)
{
	if (op->type != ARM64_OP_REG)
		return;
	int n = xreg(op->reg);
	if (n < 0 && op->reg >= ARM64_REG_W0 && op->reg <= ARM64_REG_W30)
		n = (int)(op->reg - ARM64_REG_W0);
	if (n < 0)
		return;
	if (from_stack && (st->valid >> n & 1))
		st->restored |= 1u << n;
	else
		st->restored &= ~(1u << n);
	st->valid &= ~(1u << n);
}

static void arm64_one(struct ka_dec *d, void *state, const cs_insn *insn,
		       size_t scn, uint64_t off)
{
	struct arm64_state *st = state;
	const cs_detail *dt = insn->detail;
	if (!dt)
		return;
	const cs_arm64 *a = &dt->arm64;
	const cs_arm64_op *op = a->operands;
	switch (insn->id) {
	case ARM64_INS_ADRP:
		if (a->op_count == 2 && op[1].type == ARM64_OP_IMM &&
		    xreg(op[0].reg) >= 0) {
			int n = xreg(op[0].reg);
			st->page[n] = (uint64_t)op[1].imm;
			st->adrp_off[n] = off;
			st->valid |= 1u << n;
			st->emitted &= ~(1u << n);
			st->restored &= ~(1u << n);
		}
		return;
	case ARM64_INS_RET:
		st->valid |= st->restored;
		st->restored = 0;
		return;
	case ARM64_INS_ADR:
		if (a->op_count == 2 && op[1].type == ARM64_OP_IMM)
			ka_dec_emit(d, KA_REF_CODE, scn, off, (uint64_t)op[1].imm);
		forget(st, &op[0], false);
		return;
	case ARM64_INS_BL:
	case ARM64_INS_B:
		if (a->op_count == 1 && op[0].type == ARM64_OP_IMM)
			ka_dec_emit(d,
				    a->cc == ARM64_CC_INVALID ||
						    a->cc == ARM64_CC_AL
					    ? KA_REF_CALL
					    : KA_REF_CODE,
				    scn, off, (uint64_t)op[0].imm);
		if (insn->id == ARM64_INS_BL) {
			uint32_t gone = 0x3u | 1u << 16 | 1u << 17 | 1u << 30;
			st->valid &= ~gone;
			st->restored &= ~gone;
		}
		return;
	case ARM64_INS_CBZ:
	case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ:
	case ARM64_INS_TBNZ:
		if (a->op_count >= 2 &&
		    op[a->op_count - 1].type == ARM64_OP_IMM)
			ka_dec_emit(d, KA_REF_CODE, scn, off,
				    (uint64_t)op[a->op_count - 1].imm);
		return;
	case ARM64_INS_ADD:
		if (a->op_count == 3 && op[1].type == ARM64_OP_REG &&
		    op[2].type == ARM64_OP_IMM && op[2].shift.value == 0) {
			int n = xreg(op[1].reg);
			if (n >= 0 && (st->valid >> n & 1))
				use(d, st, n, op[2].imm, scn, off);
		}
		break;
	default:
		for (uint8_t i = 0; i < a->op_count; i++) {
			int n = op[i].type == ARM64_OP_MEM
					? xreg(op[i].mem.base)
					: -1;
			if (n >= 0 && op[i].mem.index == ARM64_REG_INVALID &&
			    (st->valid >> n & 1))
				use(d, st, n, op[i].mem.disp, scn, off);
		}
		break;
	}
	/* What this instruction writes: its first operand, and the second of
	 * a load pair; a store writes neither. */
	if (a->op_count && strncmp(insn->mnemonic, "st", 2) != 0) {
		bool ld = !strncmp(insn->mnemonic, "ld", 2), sp = false;
		for (uint8_t i = 1; ld && i < a->op_count; i++)
			sp |= op[i].type == ARM64_OP_MEM &&
			      op[i].mem.base == ARM64_REG_SP;
		forget(st, &op[0], sp);
		if (ld && a->op_count >= 3)
			forget(st, &op[1], sp);
	}
}

const struct ka_dec_arch ka_dec_arm64 = {
	.machine = EM_AARCH64,
	.arch = CS_ARCH_ARM64,
	.mode = CS_MODE_LITTLE_ENDIAN,
	.state_size = sizeof(struct arm64_state),
	.insn = arm64_one,
};
#endif
