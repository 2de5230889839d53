/* Local APIC in xAPIC mode: enable, acknowledge, send IPIs to ourselves. */
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
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_SHORTHAND_SELF   (1u << 18)

volatile uint8_t *lapic_mmio;

void lapic_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	lapic_mmio = mmu_map_mmio(base & ~0xfffull, PAGE_SIZE);
	/* LINT1 stays as firmware left it (NMI): QEMU's inject-nmi arrives there. */
	lapic_write(LAPIC_REG_SVR, SVR_ENABLE | LAPIC_SPURIOUS_VECTOR);
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_REG_EOI, 0);
}

static void icr_send(uint32_t hi, uint32_t lo)
{
	lapic_write(LAPIC_REG_ICR_HI, hi);
	lapic_write(LAPIC_REG_ICR_LO, lo);
	while (lapic_read(LAPIC_REG_ICR_LO) & ICR_DELIVERY_PENDING)
		arch_cpu_relax();
}

void lapic_send_self_ipi(unsigned int vector)
{
	icr_send(0, ICR_SHORTHAND_SELF | vector);
}

/* NMI by destination ID: the self shorthand is not valid with NMI delivery. */
void lapic_send_nmi(unsigned int apic_id)
{
	icr_send(apic_id << 24, ICR_DELIVERY_NMI);
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
 * Periodic timer: measure the LAPIC timer's rate against the (PIT-calibrated)
 * cycle counter over a window from 100 us to 10 ms, until the error bound is
 * at most 100 ppm, then reload it every 1/hz s.
 */
void lapic_timer_start(unsigned int vector, unsigned int hz)
{
	uint64_t cycles_per_sec = platform_cycles_per_sec(), counts, cycles;

	lapic_write(LAPIC_REG_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_REG_TIMER_INIT, ~0u);
	calibrate_window(timer_window, &counts, cycles_per_sec / 10000, cycles_per_sec / 100, 10000,
			 &cycles);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_PERIODIC | vector);
	lapic_write(LAPIC_REG_TIMER_INIT, (uint32_t)(counts * cycles_per_sec / cycles / hz));
}
