/* The fixture kernel's exports (tests/tree): wrappers of every shape. */
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

/* The thinnest shim: one direct call. */
__attribute__((noinline)) int wrapper_direct(int x)
{
	return gpl_core(x);
}
EXPORT_SYMBOL(wrapper_direct);

/* Through unexported code, two steps. */
static __attribute__((noinline)) int helper(int x)
{
	return gpl_core(x + 1) + 3;
}

__attribute__((noinline)) int wrapper_deep(int x)
{
	return helper(x) * 2;
}
EXPORT_SYMBOL(wrapper_deep);

/* A data reference. */
__attribute__((noinline)) int wrapper_data(int x)
{
	return x + gpl_counter;
}
EXPORT_SYMBOL(wrapper_data);

/* Calls another plain export that is a shim: the walk stops there. */
__attribute__((noinline)) int calls_shim(int x)
{
	return wrapper_direct(x) + plain_func(x);
}
EXPORT_SYMBOL(calls_shim);

/* Four steps: beyond the default depth of 3. */
static __attribute__((noinline)) int h3(int x) { return gpl_core(x) - 1; }
static __attribute__((noinline)) int h2(int x) { return h3(x) - 2; }
static __attribute__((noinline)) int h1(int x) { return h2(x) - 3; }
__attribute__((noinline)) int too_deep(int x)
{
	return h1(x) + 4;
}
EXPORT_SYMBOL(too_deep);

/* GPL-only exports may use GPL-only code. */
__attribute__((noinline)) int gpl_wrapper(int x)
{
	return gpl_core(x) + 9;
}
EXPORT_SYMBOL_GPL(gpl_wrapper);

/* Plain export that only uses plain code. */
__attribute__((noinline)) int plain_clean(int x)
{
	return mini_plain(x) + 1;
}
EXPORT_SYMBOL(plain_clean);
