// SPDX-License-Identifier: GPL-2.0
/* A "Dual BSD/GPL" module using GPL-only exports: GPL-compatible. */
#include <linux/module.h>
#include <linux/rcupdate.h>

static int __init ka_init(void)
{
	rcu_read_lock();
	rcu_read_unlock();
	synchronize_rcu();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Dual BSD/GPL");
