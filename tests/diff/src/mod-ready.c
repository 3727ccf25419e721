/* A GPL module built against OLD that already imports MINI_NS: NEW's
 * namespace move does not break it, and it uses nothing NEW removes. */
#include "kernel.h"
#include "linux/mini.h"

int ns_func(int x);
int flip_func(int x);

__attribute__((noinline)) int ready_work(int x)
{
	return mini_plain(x) + ns_func(x) + flip_func(x);
}

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(MINI_NS);
