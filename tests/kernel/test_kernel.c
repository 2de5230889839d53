/* Core kernel services: command line, per-CPU lookup, and the KTAP harness itself. */
#include <kiln/arch.h>
#include <kiln/cmdline.h>
#include <kiln/cpu.h>
#include <kiln/irq.h>
#include <kiln/ktest.h>
#include <kiln/platform.h>

KTEST(cmdline_finds_values)
{
	const char *cl = "  kiln.mode=test kiln.test=page_* x=1 kiln.mode=bench  noval ";
	char buf[16];

	KEXPECT_EQ(cmdline_get(cl, "kiln.test", buf, sizeof(buf)), 6);
	KEXPECT_STREQ(buf, "page_*");
	/* The last occurrence wins, as on Linux. */
	KEXPECT_EQ(cmdline_get(cl, "kiln.mode", buf, sizeof(buf)), 5);
	KEXPECT_STREQ(buf, "bench");
	KEXPECT_EQ(cmdline_get(cl, "x", buf, sizeof(buf)), 1);
	KEXPECT_EQ(cmdline_get(cl, "kiln", buf, sizeof(buf)), -1);
	KEXPECT_EQ(cmdline_get(cl, "noval", buf, sizeof(buf)), -1);
	KEXPECT_EQ(cmdline_get("", "x", buf, sizeof(buf)), -1);
	KEXPECT_EQ(cmdline_get("k=", "k", buf, sizeof(buf)), 0);
	KEXPECT_STREQ(buf, "");
}

/* A value that does not fit is reported with its length, never handed out cut short. */
KTEST(cmdline_reports_values_too_long_for_the_buffer)
{
	char buf[4] = "old";

	KEXPECT_EQ(cmdline_get("k=abcdef", "k", buf, sizeof(buf)), 6);
	KEXPECT_STREQ(buf, "");
	KEXPECT_EQ(cmdline_get("k=abc", "k", buf, sizeof(buf)), 3);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(cmdline_get("k=abcd", "k", buf, sizeof(buf)), 4);
	KEXPECT_STREQ(buf, "");
}

KTEST(percpu_finds_boot_cpu)
{
	struct cpu *cpu = this_cpu();

	KEXPECT_EQ(cpu, &cpus[0]);
	KEXPECT_EQ(cpu->self, cpu);
	KEXPECT_EQ(cpu->index, 0);
	KEXPECT_EQ(cpu->hwid, arch_cpu_hwid());
}

static unsigned int irq_hits, irq_depth;

static void count_irq(unsigned int irq, void *arg)
{
	irq_hits += irq == *(unsigned int *)arg;
	irq_depth = this_cpu()->trap_depth;
}

/* The IRQ path end to end: raise, deliver only once unmasked, dispatch, acknowledge. */
KTEST(self_irq_reaches_handler)
{
	unsigned int irq = platform_self_irq(0);
	bool irqs = arch_irq_enabled();

	irq_hits = 0;
	irq_register(irq, count_irq, &irq);
	arch_irq_disable();
	platform_send_self_irq(irq);
	for (int i = 0; i < 1000; i++)
		arch_cpu_relax();
	KEXPECT_EQ(irq_hits, 0); /* interrupts are still off */
	arch_irq_enable();
	for (int i = 0; i < 1000 && !irq_hits; i++)
		arch_cpu_relax();
	arch_irq_disable();
	irq_unregister(irq);
	KEXPECT_EQ(irq_hits, 1);
	KEXPECT_EQ(irq_depth, 1);
	if (irqs)
		arch_irq_enable();
}
