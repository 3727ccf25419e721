// SPDX-License-Identifier: GPL-2.0
/*
 * A Proprietary module that calls no GPL-only function itself: the
 * rcu_read_lock() inline from <linux/rcupdate.h> calls __rcu_read_lock(),
 * GPL-only with CONFIG_PREEMPT_RCU=y (Debian amd64).
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

int __rcu *ka_prop_inline_ptr;

static int __init ka_init(void)
{
	int *p;

	rcu_read_lock();
	p = rcu_dereference(ka_prop_inline_ptr);
	if (p)
		pr_info("ka_prop_inline: %d\n", *p);
	rcu_read_unlock();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
