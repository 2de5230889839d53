/* 16550 UART on COM1: the console. */
#include <kiln/arch.h>
#include <kiln/console.h>
#include <kiln/platform.h>
#include <arch/cpu.h>

#define COM1	 0x3f8
#define REG_DATA 0
#define REG_IER	 1
#define REG_FCR	 2
#define REG_LCR	 3
#define REG_MCR	 4
#define REG_LSR	 5
#define LSR_THRE 0x20
#define LCR_DLAB 0x80
#define LCR_8N1	 0x03

void platform_console_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, 0x07); /* enable and clear FIFOs */
	outb(COM1 + REG_MCR, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + REG_LSR) & LSR_THRE))
		arch_cpu_relax();
	outb(COM1 + REG_DATA, c);
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
