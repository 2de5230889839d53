/* Cycle-counter frequency, measured against PIT channel 2 (as Linux does). */
#include <kiln/arch.h>
#include <kiln/platform.h>
#include <arch/cpu.h>

#define PIT_HZ		1193182
#define PIT_CH2_DATA	0x42
#define PIT_MODE	0x43
#define PORT_B		0x61
#define PORT_B_GATE2	0x01
#define PORT_B_SPEAKER	0x02
#define PORT_B_OUT2	0x20
#define CALIBRATE_TICKS (PIT_HZ / 100) /* 10 ms */

uint64_t platform_cycles_per_sec(void)
{
	static uint64_t hz;
	uint64_t start, end;

	if (hz)
		return hz;
	outb(PORT_B, (inb(PORT_B) & ~PORT_B_SPEAKER) | PORT_B_GATE2);
	outb(PIT_MODE, 0xb0); /* channel 2, lobyte/hibyte, mode 0: OUT2 rises at terminal count */
	outb(PIT_CH2_DATA, CALIBRATE_TICKS & 0xff);
	outb(PIT_CH2_DATA, CALIBRATE_TICKS >> 8);
	start = arch_cycles();
	while (!(inb(PORT_B) & PORT_B_OUT2))
		arch_cpu_relax();
	end = arch_cycles();
	hz = (end - start) * PIT_HZ / CALIBRATE_TICKS;
	return hz;
}
