/*
 * A proprietary module for tests/real/diff-test-kernel.sh, built against the
 * test kernel before tools/test-kernel.patch: it calls put_page(), whose
 * folio_put() calls __folio_put(), which the patch makes GPL-only (the 4.18
 * put_page() regression on the 6.1 code path).
 */
#include <linux/mm.h>
#include <linux/module.h>

noinline void ka_vendor_release(struct page *page)
{
	put_page(page);
}

void (*volatile ka_vendor_mm_ops[1])(struct page *) = { ka_vendor_release };

static int __init ka_vendor_mm_init(void)
{
	return 0;
}
module_init(ka_vendor_mm_init);

MODULE_LICENSE("Proprietary");
MODULE_DESCRIPTION("ksymaudit test: a vendor module that calls put_page()");
