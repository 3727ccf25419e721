// SPDX-License-Identifier: GPL-2.0
/*
 * Reaches the GPL-only __rcu_read_lock() only through the header inline
 * rcu_read_lock() (include/linux/rcupdate.h, CONFIG_PREEMPT_RCU=y).
 * Built as GPL so modpost finishes; audited with --license Proprietary.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

static int *ka_ptr;

int ka_rcu_peek(void)
{
	int v = 0;

	rcu_read_lock(); /* CALL-RCU */
	if (rcu_dereference(ka_ptr))
		v = *rcu_dereference(ka_ptr);
	rcu_read_unlock();
	return v;
}
EXPORT_SYMBOL(ka_rcu_peek);

MODULE_LICENSE("GPL");
