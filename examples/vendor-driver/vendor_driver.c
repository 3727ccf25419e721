// SPDX-License-Identifier: GPL-2.0
/*
 * An example "vendor driver" with a proprietary license that never names a
 * GPL-only symbol on purpose, yet uses three: one through a header inline
 * (rcu_read_lock() calls __rcu_read_lock on kernels with CONFIG_PREEMPT_RCU),
 * one directly, and one stored as a function pointer in data.
 */
#include <linux/device.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

struct vendor_ops {
	void (*release)(struct device *dev);
};

/* A GPL-only function stored in a table: a use from data. */
const struct vendor_ops vendor_ops = {
	.release = put_device,
};

int vendor_shared_state;

static int vendor_peek(void)
{
	int v;

	rcu_read_lock();
	v = READ_ONCE(vendor_shared_state);
	rcu_read_unlock();
	return v;
}

static int __init vendor_init(void)
{
	synchronize_rcu();
	return vendor_peek();
}

static void __exit vendor_exit(void)
{
}

module_init(vendor_init);
module_exit(vendor_exit);
MODULE_LICENSE("Proprietary");
