/* Time keeping. */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/platform.h>
#include <kiln/sched.h>

static unsigned long ticks;
static uint64_t tick_ns[2]; /* this tick's and the previous tick's clock_ns() */

uint64_t clock_ns(void)
{
	uint64_t cycles = arch_cycles() - boot_tsc, hz = platform_cycles_per_sec();

	/* Split so that cycles * 10^9 cannot overflow. */
	return cycles / hz * 1000000000 + cycles % hz * 1000000000 / hz;
}

unsigned long clock_ticks(void)
{
	return ticks;
}

void clock_tick(void)
{
	ticks++;
	tick_ns[1] = tick_ns[0];
	tick_ns[0] = clock_ns();
	sched_tick(tick_ns[0]);
}

uint64_t clock_prev_tick_ns(void)
{
	return tick_ns[1];
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
