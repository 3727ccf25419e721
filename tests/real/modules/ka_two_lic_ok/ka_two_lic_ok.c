// SPDX-License-Identifier: GPL-2.0
/* Two license entries, both GPL-compatible: no finding. */
#include <linux/module.h>
#include <linux/rcupdate.h>

static int __init ka_init(void)
{
	synchronize_rcu();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_LICENSE("GPL v2");
