/* Time: nanoseconds from the cycle counter, ticks from the platform's periodic timer. */
#ifndef KILN_CLOCK_H
#define KILN_CLOCK_H

#include <generated/autoconf.h>
#include <kiln/types.h>

#define NS_PER_TICK (1000000000ull / CONFIG_HZ)

/* Nanoseconds since boot. */
uint64_t clock_ns(void);
/* Timer interrupts taken since the timer started. */
unsigned long clock_ticks(void);
/* The platform's timer interrupt handler calls this once per tick. */
void clock_tick(void);
/* clock_ns() as seen by the tick before the one being handled. */
uint64_t clock_prev_tick_ns(void);

#endif
