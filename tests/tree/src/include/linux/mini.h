/* Header inlines of the fixture kernel (tests/tree). */
#ifndef MINI_H
#define MINI_H

int gpl_core(int x);
int plain_func(int x);
extern int gpl_counter;

/* Calls a GPL-only export: inline-exposure. */
static inline __attribute__((always_inline)) int mini_get(int x)
{
	return gpl_core(x) + 1;
}

/* Reads a GPL-only variable: inline-exposure through mini_put. */
static inline __attribute__((always_inline)) int mini_put_inner(int x)
{
	return x + gpl_counter;
}

static inline __attribute__((always_inline)) int mini_put(int x)
{
	return mini_put_inner(x * 3) - 1;
}

/* Calls a plain export only: no finding. */
static inline __attribute__((always_inline)) int mini_plain(int x)
{
	return plain_func(x) * 2;
}

/* Adds to the object its caller passes in: when one caller passes the
 * GPL-only gpl_counter, that is the caller's reference, not the inline's
 * (no finding; user.c has three instances, one with gpl_counter). */
static inline __attribute__((always_inline)) void mini_add(int *p, int x)
{
	*p += x;
}

#endif
