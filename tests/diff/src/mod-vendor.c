/* A proprietary module built against OLD: uses mini_plain() and imports
 * the exports NEW changes. */
#include "kernel.h"
#include "linux/mini.h"

int flip_func(int x);
int gone_func(int x);
int ns_func(int x);

__attribute__((noinline)) int vendor_work(int x)
{
	return mini_plain(x) + flip_func(x);
}

__attribute__((noinline)) int vendor_more(int x)
{
	return mini_plain(x + 1) + gone_func(x) + ns_func(x);
}

MODULE_LICENSE("Proprietary");
