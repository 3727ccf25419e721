/*
 * Export wrappers with two shortest paths, or two nearest GPL-only targets
 * (tests/tree/test-tree.sh): the path and the target a report names must
 * not depend on the layout of the code. Built twice, the second time with
 * -DKA_SWAP, which swaps the order of the calls and of the definitions;
 * both builds must name two_ways -> a_mid -> gpl_a and, for two_targets,
 * gpl_a: the least path by name, the nearest target first by name.
 * through_static calls a static helper in the same section: in an arm64
 * relocatable object the assembler resolves that BL itself, so only the
 * code (at the DWARF call site) says where it goes.
 */
#include "kernel.h"

__attribute__((noinline)) int gpl_a(int x)
{
	return x * 3;
}
EXPORT_SYMBOL_GPL(gpl_a);

__attribute__((noinline)) int gpl_b(int x)
{
	return x * 5;
}
EXPORT_SYMBOL_GPL(gpl_b);

#ifdef KA_SWAP
__attribute__((noinline)) int b_mid(int x)
{
	return gpl_a(x) + 2;
}

__attribute__((noinline)) int a_mid(int x)
{
	return gpl_a(x) + 1;
}

__attribute__((noinline)) int two_ways(int x)
{
	return b_mid(x) * a_mid(x + 1);
}

__attribute__((noinline)) int two_targets(int x)
{
	return gpl_b(x) * gpl_a(x + 1);
}
#else
__attribute__((noinline)) int a_mid(int x)
{
	return gpl_a(x) + 1;
}

__attribute__((noinline)) int b_mid(int x)
{
	return gpl_a(x) + 2;
}

__attribute__((noinline)) int two_ways(int x)
{
	return a_mid(x) * b_mid(x + 1);
}

__attribute__((noinline)) int two_targets(int x)
{
	return gpl_a(x) * gpl_b(x + 1);
}
#endif
EXPORT_SYMBOL(two_ways);
EXPORT_SYMBOL(two_targets);

static __attribute__((noinline)) int s_mid(int x)
{
	return gpl_b(x) - 7;
}

__attribute__((noinline)) int through_static(int x)
{
	return s_mid(x) * 2;
}
EXPORT_SYMBOL(through_static);
