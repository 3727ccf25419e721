// SPDX-License-Identifier: GPL-2.0
/*
 * Two license entries, "GPL" and "Proprietary": modpost and the loader look
 * at every entry, so the module is GPL-incompatible.
 */
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
MODULE_LICENSE("GPL");
MODULE_LICENSE("Proprietary");
