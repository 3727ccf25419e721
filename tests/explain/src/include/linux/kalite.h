/* A kernel-like header: static inlines that reach GPL-only exports. */
#ifndef KALITE_H
#define KALITE_H

#define __always_inline inline __attribute__((__always_inline__))

extern void gpl_helper(int v);          /* EXPORT_SYMBOL_GPL */
extern int gpl_target(void);            /* EXPORT_SYMBOL_GPL */
extern void plain_helper(int v);        /* EXPORT_SYMBOL */

#ifdef __x86_64__
#define KA_PTR ".quad"
#else
#define KA_PTR ".long"
#endif

struct static_key {
	int enabled;
};
extern struct static_key gpl_key;       /* EXPORT_SYMBOL_GPL */

static __always_inline void ka_level3(int v) /* DECL-L3 */
{
	gpl_helper(v + 3); /* SITE-L3 */
}

static __always_inline void ka_level2(int v) /* DECL-L2 */
{
	ka_level3(v * 2); /* CALL-L2 */
}

static __always_inline void ka_level1(int v) /* DECL-L1 */
{
	ka_level2(v - 1); /* CALL-L1 */
}

/* As arch/x86/include/asm/jump_label.h: a 5-byte nop and a __jump_table entry. */
static __always_inline int arch_static_branch(struct static_key *key) /* DECL-ASB */
{
	asm goto("1: .byte 0x0f,0x1f,0x44,0x00,0x00\n\t" /* SITE-KEY */
		 ".pushsection __jump_table, \"aw\"\n\t"
		 ".balign 8\n\t"
		 ".long 1b - ., %l[l_yes] - .\n\t"
		 KA_PTR " %c0 - .\n\t"
		 ".popsection\n\t"
		 : : "i"(key) : : l_yes);
	return 0;
l_yes:
	return 1;
}

static __always_inline int ka_feature_enabled(void) /* DECL-FE */
{
	return arch_static_branch(&gpl_key); /* CALL-KEY-INNER */
}

#endif
