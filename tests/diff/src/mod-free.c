/* A GPL module built against OLD: the GPL flip and mini_plain() do not
 * matter to it; the removal and the namespace do. */
#include "kernel.h"
#include "linux/mini.h"

int flip_func(int x);
int gone_func(int x);
int ns_func(int x);

__attribute__((noinline)) int free_work(int x)
{
	return mini_plain(x) + flip_func(x) + gone_func(x) + ns_func(x);
}

MODULE_LICENSE("GPL");
