// SPDX-License-Identifier: GPL-2.0
/* symbol_get() of a plain export (returns NULL on 6.6+ and backports) and
 * of a GPL-only one (works). */
#include <linux/module.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>

static int __init ka_init(void)
{
	unsigned int (*plain)(const unsigned long) = symbol_get(jiffies_to_msecs);
	void (*gpl)(void) = symbol_get(synchronize_rcu);

	if (plain)
		symbol_put(jiffies_to_msecs);
	if (gpl)
		symbol_put(synchronize_rcu);
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("GPL");
