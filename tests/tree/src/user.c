/* Kernel code using the header inlines: instances in vmlinux. */
#include "kernel.h"
#include "linux/mini.h"

__attribute__((noinline)) int core_user(int x)
{
	return mini_get(x) + mini_put(x);
}

static int user_total, user_other;

__attribute__((noinline)) void user_count(int x)
{
	mini_add(&gpl_counter, x);
}

__attribute__((noinline)) void user_sum(int x)
{
	mini_add(&user_total, x);
}

__attribute__((noinline)) void user_other_sum(int x)
{
	mini_add(&user_other, x + 1);
}
