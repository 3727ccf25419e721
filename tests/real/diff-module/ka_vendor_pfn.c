// SPDX-License-Identifier: GPL-2.0
/*
 * A proprietary module (as NVIDIA's was on Debian 12 when 6.1.76 changed
 * pfn_valid()) that calls no GPL-only function itself: the header inline
 * pfn_valid() (include/linux/mmzone.h) takes rcu_read_lock_sched() in
 * linux-source-7.x, and rcu_read_lock() once tools/test-kernel-7.patch is
 * applied, whose __rcu_read_lock() is EXPORT_SYMBOL_GPL under PREEMPT_RCU.
 * Built against both trees by tests/real/kernel7-pfn-valid.sh.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mmzone.h>

static unsigned long ka_pfn = 4096;
module_param(ka_pfn, ulong, 0444);

static int __init ka_init(void)
{
	pr_info("ka_vendor_pfn: pfn %lu valid: %d\n", ka_pfn, pfn_valid(ka_pfn));
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("Proprietary");
