// SPDX-License-Identifier: GPL-2.0
/* A GPL module importing the namespaces it uses: no finding. */
#include <linux/module.h>
#include <linux/dma-buf.h>
#include <linux/efi.h>

/* Not static: the compiler must not prove it NULL and drop the calls. */
struct dma_buf *ka_ns_ok_buf;

static int __init ka_init(void)
{
	if (ka_ns_ok_buf)
		dma_buf_put(ka_ns_ok_buf);
	if (!efivar_lock())
		efivar_unlock();
	return 0;
}

static void __exit ka_exit(void)
{
}

module_init(ka_init);
module_exit(ka_exit);
MODULE_LICENSE("GPL and additional rights");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EFIVAR);
