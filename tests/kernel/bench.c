/* Arch-neutral benchmarks. */
#include <kiln/kbench.h>
#include <kiln/page_alloc.h>
#include <kiln/printk.h>

/* The loop itself: the floor under every other figure. */
KBENCH(empty_loop, 10000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("" ::: "memory");
}

KBENCH(page_alloc_free, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		page_free(page_alloc());
}

KBENCH(snprintf_mixed, 100)
{
	char buf[96];

	for (uint64_t i = 0; i < n; i++)
		snprintf(buf, sizeof(buf), "%s %d %08x %p", "kiln", (int)i, (unsigned int)i, buf);
}
