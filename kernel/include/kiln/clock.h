/* Time: nanoseconds from the cycle counter, ticks from the platform's periodic timer. */
#ifndef KILN_CLOCK_H
#define KILN_CLOCK_H

#include <generated/autoconf.h>
#include <kiln/types.h>

#define NS_PER_TICK (1000000000ull / CONFIG_HZ)

/* Nanoseconds since boot. */
uint64_t clock_ns(void);
/* Timer interrupts the boot CPU took since its timer started. */
unsigned long clock_ticks(void);
/* The platform's timer interrupt handler calls this once per tick, on each CPU. */
void clock_tick(void);

/*
 * Calibration against a reference clock: measure(window, &err, ctx) counts the cycles a
 * window (in the reference's units) takes, err the cycles of uncertainty. The window grows
 * from min (at most to max) until err is at most 1/precision of the cycles, so a cheap,
 * precise reference costs a short wait and a slow one no more than max. Returns the last
 * window; *cycles holds what it measured.
 */
typedef uint64_t (*calibrate_fn)(uint64_t window, uint64_t *err, void *ctx);
uint64_t calibrate_window(calibrate_fn measure, void *ctx, uint64_t min, uint64_t max,
			  uint64_t precision, uint64_t *cycles);

#endif
