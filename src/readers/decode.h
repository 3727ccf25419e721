/*
 * Inside the decoder (decode.c): what one architecture's instruction
 * reader (decode-x86.c, decode-arm64.c) sees and calls. Only built with
 * Capstone.
 */
#pragma once

#include <capstone/capstone.h>

#include "ksymaudit/refs.h"

struct ka_dec;

/*
 * A reference from code: the field at (scn, field_off) — the relocated
 * field a relocation would name — refers to the address target. The
 * target is named by the symbol that holds it; one that no function or
 * object holds, or the site's own function, is dropped.
 */
void ka_dec_emit(struct ka_dec *d, enum ka_ref_kind kind, size_t scn,
		 uint64_t field_off, uint64_t target);
/* True when addr lies in an allocated section of the image; percpu also
 * accepts the zero-based per-CPU section (x86-64 before 6.15: %gs:sym). */
bool ka_dec_is_address(const struct ka_dec *d, uint64_t addr, bool percpu);

struct ka_dec_arch {
	unsigned machine;
	cs_arch arch;
	cs_mode mode;
	size_t state_size; /* per-run state, zeroed at every function start */
	/* One instruction at section offset off (= insn->address - sh_addr). */
	void (*insn)(struct ka_dec *d, void *state, const cs_insn *insn,
		     size_t scn, uint64_t off);
};

extern const struct ka_dec_arch ka_dec_x86_64;
extern const struct ka_dec_arch ka_dec_arm64;
