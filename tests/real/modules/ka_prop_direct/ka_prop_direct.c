// SPDX-License-Identifier: GPL-2.0
/* A Proprietary module calling GPL-only exports directly. */
#include <linux/module.h>
#include <linux/device.h>
#include <linux/rcupdate.h>

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct device *ka_prop_direct_dev;

static int __init ka_init(void)
{
	synchronize_rcu();
	if (ka_prop_direct_dev)
		put_device(get_device(ka_prop_direct_dev));
	return 0;
}

static void __exit ka_exit(void)
{
	rcu_barrier();
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
