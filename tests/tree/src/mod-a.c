/* A GPL module: uses the inlines, and exports a shim of its own. */
#include "kernel.h"
#include "linux/mini.h"

__attribute__((noinline)) int moda_work(int x)
{
	return mini_get(x) + mini_put(x + 1) + mini_plain(x);
}

__attribute__((noinline)) int moda_shim(int x)
{
	return gpl_core(x - 1);
}
EXPORT_SYMBOL(moda_shim);

MODULE_LICENSE("GPL");
