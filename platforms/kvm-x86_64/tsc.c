/*
 * Cycle-counter frequency, measured against PIT channel 2 (as Linux does).
 * The window starts short and grows until the measured error bound is at
 * most 1/CALIBRATE_PRECISION: under QEMU with -icount the reads are cheap
 * and 100 us suffice, where a fixed 10 ms window cost 10 M instructions of
 * boot. (QEMU's PIT counts from the write that loads it; a real PIT would
 * add up to one tick of uncertainty at the start.)
 */
#include <kiln/arch.h>
#include <kiln/clock.h>
#include <kiln/platform.h>
#include <arch/cpu.h>

#define PIT_HZ		    1193182
#define PIT_CH2_DATA	    0x42
#define PIT_MODE	    0x43
#define PORT_B		    0x61
#define PORT_B_GATE2	    0x01
#define PORT_B_SPEAKER	    0x02
#define PORT_B_OUT2	    0x20
#define CALIBRATE_MIN_TICKS (PIT_HZ / 10000ull) /* 100 us */
#define CALIBRATE_MAX_TICKS (PIT_HZ / 100ull)	/* 10 ms: the old fixed window */
#define CALIBRATE_PRECISION 10000		/* 100 ppm */

/*
 * Cycles while the PIT counts ticks down; *err is the uncertainty: half the
 * cycles between the stamps around the count's start and around its end.
 */
static uint64_t pit_window(uint64_t ticks, uint64_t *err, void *ctx)
{
	uint64_t start0, start1, before, prev, end;

	(void)ctx;
	outb(PIT_MODE, 0xb0); /* channel 2, lobyte/hibyte, mode 0: OUT2 rises at terminal count */
	outb(PIT_CH2_DATA, ticks & 0xff);
	start0 = arch_cycles();
	outb(PIT_CH2_DATA, ticks >> 8); /* counting starts here */
	start1 = arch_cycles();
	before = start1;
	do {
		prev = before; /* OUT2 was still low after this stamp */
		before = arch_cycles();
	} while (!(inb(PORT_B) & PORT_B_OUT2));
	end = arch_cycles();
	*err = (start1 - start0 + end - prev + 1) / 2;
	return (end + prev) / 2 - (start1 + start0) / 2;
}

uint64_t platform_cycles_per_sec(void)
{
	static uint64_t hz;
	uint64_t ticks, cycles;

	if (hz)
		return hz;
	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	ticks = calibrate_window(pit_window, NULL, CALIBRATE_MIN_TICKS, CALIBRATE_MAX_TICKS,
				 CALIBRATE_PRECISION, &cycles);
	hz = cycles * PIT_HZ / ticks;
	return hz;
}
