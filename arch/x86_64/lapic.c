/* Local APIC in xAPIC mode: enable, acknowledge, send IPIs to ourselves. */
#include <kiln/arch.h>
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
 * LAPIC timer counts (at divide 16) in the cycles from the first read to the
 * last, after at least min_cycles; *err: the cycles around the two reads
 * plus one count, converted to cycles.
 */
static uint64_t timer_window(uint64_t min_cycles, uint64_t *cycles, uint64_t *err)
{
	uint64_t t0 = arch_cycles(), t1, t2, t3;
	uint32_t first = lapic_read(LAPIC_REG_TIMER_CURRENT), last;

	t1 = arch_cycles();
	do
		t2 = arch_cycles();
	while (t2 - t1 < min_cycles);
	last = lapic_read(LAPIC_REG_TIMER_CURRENT);
	t3 = arch_cycles();
	*cycles = (t3 + t2) / 2 - (t1 + t0) / 2;
	*err = (t1 - t0 + t3 - t2 + 1) / 2 + *cycles / (first - last + 1);
	return first - last;
}

/*
 * Periodic timer: measure the LAPIC timer's rate against the (PIT-calibrated)
 * cycle counter over a window that starts at 100 us and grows until the
 * error bound is at most 100 ppm (or the window reaches 10 ms), then reload
 * it every 1/hz s.
 */
void lapic_timer_start(unsigned int vector, unsigned int hz)
{
	uint64_t cycles_per_sec = platform_cycles_per_sec(), window = cycles_per_sec / 10000;
	uint64_t counts, cycles, err;

	lapic_write(LAPIC_REG_TIMER_DIV, LAPIC_TIMER_DIV_16);
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_REG_TIMER_INIT, ~0u);
	for (;;) {
		counts = timer_window(window, &cycles, &err);
		if (err * 10000 <= cycles || window >= cycles_per_sec / 100)
			break;
		/* The error is the fixed cost of the reads: this window meets the bound. */
		window = MIN(cycles_per_sec / 100,
			     MAX(2 * window, window * err * 10000 / cycles * 5 / 4));
	}
	lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_PERIODIC | vector);
	lapic_write(LAPIC_REG_TIMER_INIT, (uint32_t)(counts * cycles_per_sec / cycles / hz));
}
