/* arm64 entry-path benchmarks. */
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/kbench.h>
#include <arch/cpu.h>
#include <platform/irqchip.h>

#define BENCH_SGI 2

/* brk round trip: vector, full register save, fixup lookup, eret. */
KBENCH(trap_roundtrip, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("1: brk #1\n2:\n\t" EXTABLE_ENTRY("1b", "2b")::: "memory");
}

static volatile unsigned long sgi_seen;

static void sgi_handler(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	sgi_seen++;
}

/* Self-SGI to handler and back: IRQ vector, GIC acknowledge, dispatch, EOI, eret. */
KBENCH(irq_self_ipi_roundtrip, 1000)
{
	irq_register(BENCH_SGI, sgi_handler, NULL);
	irqchip_enable(BENCH_SGI);
	for (uint64_t i = 0; i < n; i++) {
		unsigned long before = sgi_seen;
		irqchip_send_sgi_self(BENCH_SGI);
		arch_irq_enable();
		while (sgi_seen == before)
			arch_cpu_relax();
		arch_irq_disable();
	}
	irq_unregister(BENCH_SGI);
}
