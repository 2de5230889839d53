/* x86_64 entry-path benchmarks. */
#include <kiln/extable.h>
#include <kiln/irq.h>
#include <kiln/kbench.h>
#include <arch/cpu.h>
#include <arch/lapic.h>

#define BENCH_IRQ_VECTOR 0x41

/* int3 round trip: entry stub, full register save, fixup lookup, iretq. */
KBENCH(trap_roundtrip, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("int3\n1:\n\t" EXTABLE_ENTRY("1b", "1b")::: "memory");
}

static volatile unsigned long ipi_seen;

static void ipi_handler(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	ipi_seen++;
}

/* Self-IPI to handler and back: IRQ entry, dispatch, EOI, exit. */
KBENCH(irq_self_ipi_roundtrip, 1000)
{
	irq_register(BENCH_IRQ_VECTOR, ipi_handler, NULL);
	for (uint64_t i = 0; i < n; i++) {
		unsigned long before = ipi_seen;
		lapic_send_self_ipi(BENCH_IRQ_VECTOR);
		arch_irq_enable();
		while (ipi_seen == before)
			arch_cpu_relax();
		arch_irq_disable();
	}
	irq_unregister(BENCH_IRQ_VECTOR);
}
