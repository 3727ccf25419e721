/* Another module: two more instances of mini_put. */
#include "kernel.h"
#include "linux/mini.h"

__attribute__((noinline)) int modb_one(int x)
{
	return mini_put(x);
}

__attribute__((noinline)) int modb_two(int x)
{
	return mini_put(x * 5);
}

MODULE_LICENSE("GPL");
