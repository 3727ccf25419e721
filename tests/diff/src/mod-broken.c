/* A proprietary module that does not load against OLD either: it uses
 * mini_get(), which calls the GPL-only gpl_core(). Not checked. */
#include "kernel.h"
#include "linux/mini.h"

int gone_func(int x);

__attribute__((noinline)) int broken_work(int x)
{
	return mini_get(x) + gone_func(x);
}

MODULE_LICENSE("Proprietary");
