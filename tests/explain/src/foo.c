/* A proprietary module whose GPL-only uses all come from kalite.h. */
#include <linux/kalite.h>

struct foo_ops {
	int (*probe)(void);
	void (*log)(int v);
};

/*
 * Not first in .text: libdw 0.188 reads a DWARF 4 range list of an ET_REL
 * file that starts at section offset 0 as empty (known limitation).
 */
int foo_first(int v)
{
	return v * 3;
}

int foo_work(int v)
{
	ka_level1(v); /* CALL-TOP */
	plain_helper(v);
	if (ka_feature_enabled()) /* CALL-KEY */
		return 1;
	return 0;
}

const struct foo_ops foo_ops = {
	.probe = gpl_target, /* SITE-DATA */
	.log = plain_helper,
};

static const char __mod_license[] __attribute__((section(".modinfo"), used)) =
	"license=Proprietary";
