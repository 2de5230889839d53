/* Generic timer: periodic interrupts from each CPU's EL1 virtual timer (CNTV). */
#include <generated/autoconf.h>
#include <kiln/clock.h>
#include <kiln/irq.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <arch/sysreg.h>
#include <platform/board.h>
#include <platform/irqchip.h>

#define CNTV_CTL_ENABLE (1u << 0)
/* /timer "interrupts": secure phys, non-secure phys, virtual, hypervisor; 3 cells each. */
#define TIMER_IRQ_VIRT 2

static uint64_t period;
static unsigned int timer_intid;

/*
 * Deadlines are absolute (CVAL, each CPU's own), one period after the
 * previous one: an interrupt taken late (a busy host under TCG) does not
 * shift later ticks, and missed periods fire back to back until the count
 * has caught up.
 */
static void timer_irq(unsigned int irq, void *arg)
{
	(void)irq;
	(void)arg;
	write_sysreg(cntv_cval_el0, read_sysreg(cntv_cval_el0) + period);
	clock_tick();
}

static unsigned int virt_timer_intid(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,armv8-timer");
	const uint8_t *cells;
	int len;

	if (node < 0)
		panic("timer: no arm,armv8-timer node in the device tree");
	cells = fdt_getprop(fdt, node, "interrupts", &len);
	if (!cells || len < 12 * (TIMER_IRQ_VIRT + 1))
		panic("timer: /timer interrupts property too short (%d bytes)", len);
	return GIC_PPI_BASE + fdt32_ld(cells + 12 * TIMER_IRQ_VIRT + 4);
}

/* One handler serves every CPU: the timer's PPI is the same number on each. */
void timer_init(const struct fdt *fdt)
{
	timer_intid = virt_timer_intid(fdt);
	period = platform_cycles_per_sec() / CONFIG_HZ;
	irq_register(timer_intid, timer_irq, NULL);
	timer_cpu_init();
}

void timer_cpu_init(void)
{
	irqchip_enable(timer_intid);
	write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + period);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

uint64_t platform_cycles_per_sec(void)
{
	return read_sysreg(cntfrq_el0);
}
