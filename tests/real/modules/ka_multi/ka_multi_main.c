// SPDX-License-Identifier: GPL-2.0
/*
 * A Proprietary module linked from two objects; it also calls a function
 * nobody exports (unresolved symbol).
 */
#include <linux/module.h>

int ka_multi_dev(void);
int ka_symbol_nobody_exports(void);

static int __init ka_init(void)
{
	if (ka_multi_dev())
		return ka_symbol_nobody_exports();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
