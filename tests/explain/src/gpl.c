/* A GPL module: no error, but --explain-all shows what ties it to GPL-only exports. */
#include <linux/kalite.h>

void bar_work(int v)
{
	ka_level2(v); /* CALL-BAR */
}

static const char __mod_license[] __attribute__((section(".modinfo"), used)) =
	"license=GPL";
