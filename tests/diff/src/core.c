/* The diff fixture kernel: OLD, or NEW with KA_NEW (tests/diff). */
#include "kernel.h"
#include "linux/mini.h"

int gpl_counter = 5;
EXPORT_SYMBOL_GPL(gpl_counter);

__attribute__((noinline)) int gpl_core(int x)
{
	return x * 7 + gpl_counter;
}
EXPORT_SYMBOL_GPL(gpl_core);

__attribute__((noinline)) int plain_func(int x)
{
	return x + 2;
}
EXPORT_SYMBOL(plain_func);

/* A thin shim in both kernels: export-wrapper, unchanged. */
__attribute__((noinline)) int wrapper_direct(int x)
{
	return gpl_core(x);
}
EXPORT_SYMBOL(wrapper_direct);

/* The GPL flip. */
__attribute__((noinline)) int flip_func(int x)
{
	return x - 3;
}
#ifdef KA_NEW
EXPORT_SYMBOL_GPL(flip_func);
#else
EXPORT_SYMBOL(flip_func);
#endif

/* Removed in NEW. */
#ifndef KA_NEW
__attribute__((noinline)) int gone_func(int x)
{
	return x - 4;
}
EXPORT_SYMBOL(gone_func);
#endif

/* Moved into a namespace in NEW. */
__attribute__((noinline)) int ns_func(int x)
{
	return x - 5;
}
#ifdef KA_NEW
EXPORT_SYMBOL_NS(ns_func, MINI_NS);
#else
EXPORT_SYMBOL(ns_func);
#endif

/* Unexported code that only a GPL-only export reaches in OLD. */
static __attribute__((noinline)) int interior(int x)
{
	return x * 11 + plain_func(x);
}

__attribute__((noinline)) int gpl_entry(int x)
{
	return interior(x) + 1;
}
EXPORT_SYMBOL_GPL(gpl_entry);

/* The door: NEW adds a plain export in front of it (HMM). */
#ifdef KA_NEW
__attribute__((noinline)) int door_entry(int x)
{
	return interior(x) - 1;
}
EXPORT_SYMBOL(door_entry);
#endif

/* Uses mini_plain(): clean in OLD, an export-wrapper in NEW. */
__attribute__((noinline)) int plain_clean(int x)
{
	return mini_plain(x) + 1;
}
EXPORT_SYMBOL(plain_clean);
