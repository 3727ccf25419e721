/*
 * A proprietary network module built against Debian 12's 6.1 headers for
 * tests/real/diff-releases.sh: it loads against 6.1, and its header inlines
 * reach GPL-only exports in 6.12 that they did not reach in 6.1.
 *  - dev_core_stats_rx_dropped_inc() (include/linux/netdevice.h): 6.1
 *    calls netdev_core_stats_alloc(), EXPORT_SYMBOL; 6.12 calls
 *    netdev_core_stats_inc(), EXPORT_SYMBOL_GPL.
 *  - skb_dst_copy() (include/net/dst.h): 6.12's dst_hold() goes through
 *    rcuref_get() to the GPL-only rcuref_get_slowpath(); 6.1's used an
 *    atomic.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/dst.h>

noinline void ka_vendor_drop(struct net_device *dev)
{
	dev_core_stats_rx_dropped_inc(dev);
}

noinline void ka_vendor_copy(struct sk_buff *to, const struct sk_buff *from)
{
	skb_dst_copy(to, from);
}

void (*volatile ka_vendor_ops[2])(void) = {
	(void (*)(void))ka_vendor_drop, (void (*)(void))ka_vendor_copy,
};

static int __init ka_vendor_init(void)
{
	return 0;
}
module_init(ka_vendor_init);

MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("ksymaudit test: a vendor module built against 6.1");
