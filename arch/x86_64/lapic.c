/* Local APIC in xAPIC mode: enable, acknowledge, IPIs, the periodic timer. */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/mm.h>
#include <kiln/platform.h>
#include <arch/cpu.h>
#include <arch/lapic.h>

#define MSR_APIC_BASE	     0x1b
#define APIC_BASE_ENABLE     (1u << 11)
#define SVR_ENABLE	     (1u << 8)
#define ICR_DELIVERY_NMI     (4u << 8)
#define ICR_DELIVERY_INIT    (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_SHORTHAND_SELF   (1u << 18)

volatile uint8_t *lapic_mmio;
/* The boot CPU's LINT1 as firmware left it (SeaBIOS: NMI): how the board wires NMIs. */
static uint32_t firmware_lint1;
/* The timer count of one tick, measured once (lapic_timer_start()). */
static uint32_t timer_count;

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_mmio = mmu_map_mmio(base & ~0xfffull, PAGE_SIZE);
	firmware_lint1 = lapic_read(LAPIC_REG_LINT1);
}

/*
 * INIT masks every LVT entry of a secondary CPU, and firmware may have left
 * them so anyway: each CPU gets the boot CPU's LINT1, so that QEMU's
 * inject-nmi, which arrives there, reaches every started CPU.
 */
void lapic_cpu_init(void)
{
	lapic_write(LAPIC_REG_LINT1, firmware_lint1);
	lapic_write(LAPIC_REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

uint32_t lapic_nmi_lint1(void)
{
	return firmware_lint1;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_REG_EOI, 0);
}

/*
 * The ICR is per CPU, but its two halves are two writes: an interrupt
 * handler that sends in between would leave this send the wrong
 * destination. So interrupts stay off from the first write until the local
 * APIC has taken the command.
 */
static void icr_send(uint32_t hi, uint32_t lo)
{
	bool irqs = arch_irq_enabled();

	arch_irq_disable();
	lapic_write(LAPIC_REG_ICR_HI, hi);
	lapic_write(LAPIC_REG_ICR_LO, lo);
	while (lapic_read(LAPIC_REG_ICR_LO) & ICR_DELIVERY_PENDING)
		arch_cpu_relax();
	if (irqs)
		arch_irq_enable();
}

void lapic_send_self_ipi(unsigned int vector)
{
	icr_send(0, ICR_SHORTHAND_SELF | vector);
}

/* Fixed delivery, physical destination. */
void lapic_send_ipi(unsigned int apic_id, unsigned int vector)
{
	icr_send(apic_id << 24, vector);
}

/* NMI by destination ID: the self shorthand is not valid with NMI delivery. */
void lapic_send_nmi(unsigned int apic_id)
{
	icr_send(apic_id << 24, ICR_DELIVERY_NMI);
}

void lapic_send_init(unsigned int apic_id)
{
	icr_send(apic_id << 24, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

/* Start-up IPI: the CPU, waiting after INIT, starts in real mode at page `page` (below 1 MiB). */
void lapic_send_startup(unsigned int apic_id, unsigned int page)
{
	icr_send(apic_id << 24, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | page);
}

/*
 * The cycles from the first read of the LAPIC timer (at divide 16) to the last, after at
 * least min_cycles; *counts (ctx) how far it ran down; *err the cycles around the two reads
 * plus one count, converted to cycles.
 */
static uint64_t timer_window(uint64_t min_cycles, uint64_t *err, void *counts)
{
	uint64_t t0 = arch_cycles(), t1, t2, t3, cycles;
	uint32_t first = lapic_read(LAPIC_REG_TIMER_CURRENT), last;

	t1 = arch_cycles();
	do
		t2 = arch_cycles();
	while (t2 - t1 < min_cycles);
	last = lapic_read(LAPIC_REG_TIMER_CURRENT);
	t3 = arch_cycles();
	cycles = (t3 + t2) / 2 - (t1 + t0) / 2;
	*err = (t1 - t0 + t3 - t2 + 1) / 2 + cycles / (first - last + 1);
	*(uint64_t *)counts = first - last;
	return cycles;
}

/*
 * The LAPIC timer's count per tick at hz: its rate measured against the
 * (PIT-calibrated) cycle counter over a window from 100 us to 10 ms, until
 * the error bound is at most 100 ppm.
 */
static uint32_t timer_calibrate(unsigned int hz)
{
	uint64_t cycles_per_sec = platform_cycles_per_sec(), counts, cycles;

	lapic_write(LAPIC_REG_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_REG_TIMER_INIT, ~0u);
	calibrate_window(timer_window, &counts, cycles_per_sec / 10000, cycles_per_sec / 100, 10000,
			 &cycles);
	return counts * cycles_per_sec / cycles / hz;
}

/*
 * Periodic timer at hz on this CPU. The first call (the boot CPU's)
 * measures the rate; every local APIC timer runs from the same bus clock, so
 * the other CPUs reuse that count.
 */
void lapic_timer_start(unsigned int vector, unsigned int hz)
{
	if (!timer_count)
		timer_count = timer_calibrate(hz);
	lapic_write(LAPIC_REG_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_PERIODIC | vector);
	lapic_write(LAPIC_REG_TIMER_INIT, timer_count);
}
