// SPDX-License-Identifier: GPL-2.0
/* A GPL module using GPL-only exports: no license finding. */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/rcupdate.h>

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct device *ka_gpl_user_dev;

static int __init ka_init(void)
{
	rcu_read_lock();
	rcu_read_unlock();
	synchronize_rcu();
	if (ka_gpl_user_dev)
		put_device(get_device(ka_gpl_user_dev));
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("GPL");
