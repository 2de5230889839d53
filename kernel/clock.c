/* Time keeping. */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/cpu.h>
#include <kiln/platform.h>
#include <kiln/sched.h>

/* The boot CPU's ticks: every CPU ticks, one counts. */
static unsigned long ticks;

uint64_t clock_ns(void)
{
	uint64_t cycles = arch_cycles() - boot_tsc, hz = platform_cycles_per_sec();

	/* Split so that cycles * 10^9 cannot overflow. */
	return cycles / hz * 1000000000 + cycles % hz * 1000000000 / hz;
}

unsigned long clock_ticks(void)
{
	return __atomic_load_n(&ticks, __ATOMIC_RELAXED);
}

void clock_tick(void)
{
	struct cpu *cpu = this_cpu();

	if (cpu->index == 0)
		__atomic_store_n(&ticks, ticks + 1, __ATOMIC_RELAXED);
	cpu->tick_ns[1] = cpu->tick_ns[0];
	cpu->tick_ns[0] = clock_ns();
	sched_tick(cpu->tick_ns[0]);
}

uint64_t calibrate_window(calibrate_fn measure, void *ctx, uint64_t min, uint64_t max,
			  uint64_t precision, uint64_t *cycles)
{
	uint64_t window = min, err;

	for (;;) {
		*cycles = measure(window, &err, ctx);
		if (err * precision <= *cycles || window >= max)
			return window;
		/* The error is the fixed cost of the reads: this window meets the bound. */
		window = MIN(max, MAX(2 * window, window * err * precision / *cycles * 5 / 4));
	}
}
