/* Header inlines of the diff fixture kernels (tests/diff): KA_NEW builds
 * NEW, where mini_plain() also calls the GPL-only gpl_core() (the 4.18
 * put_page() change). */
#ifndef MINI_H
#define MINI_H

int gpl_core(int x);
int plain_func(int x);
extern int gpl_counter;

/* GPL-only in both; NEW also reads gpl_counter (a changed finding). */
static inline __attribute__((always_inline)) int mini_get(int x)
{
#ifdef KA_NEW
	return gpl_core(x) + gpl_counter;
#else
	return gpl_core(x) + 1;
#endif
}

static inline __attribute__((always_inline)) int mini_plain(int x)
{
#ifdef KA_NEW
	if (x > 1000)
		return gpl_core(x);
#endif
	return plain_func(x) * 2;
}

#endif
