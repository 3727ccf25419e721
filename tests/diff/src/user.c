/* Kernel code using the header inlines: instances in vmlinux. */
#include "kernel.h"
#include "linux/mini.h"

__attribute__((noinline)) int core_user(int x)
{
	return mini_get(x) + mini_plain(x);
}
