/*
 * Interrupts taken from user mode, timed from user mode: spin reading the
 * cycle counter; a step far longer than the loop's own is an interrupt (the
 * timer tick, its handler included). Exits with the cycles arg such steps
 * took, each less the loop's fastest step.
 */
#include <kiln/user.h>

/*
 * A step this many times the fastest non-zero one is an interrupt, not the
 * loop (a coarse counter, as arm64's, often reads the same value twice).
 */
#define IRQ_FACTOR 8

int main(unsigned long n)
{
	unsigned long last = user_cycles(), floor = ~0ul, total = 0, seen = 0;

	while (seen < n) {
		unsigned long now = user_cycles(), step = now - last;

		last = now;
		if (step && step < floor)
			floor = step;
		else if (step > floor * IRQ_FACTOR) {
			total += step - floor;
			seen++;
		}
	}
	sys_exit(total);
}
