/* PL011 UART: the console. */
#include <kiln/arch.h>
#include <kiln/console.h>
#include <kiln/mm.h>
#include <kiln/platform.h>
#include <arch/layout.h>
#include <platform/board.h>

#define UARTDR	0x00
#define UARTFR	0x18
#define FR_TXFF (1u << 5)

static volatile uint8_t *uart;

/* QEMU's virt UART needs no set-up; the address is confirmed from the DTB later. */
void platform_console_init(void)
{
	uart = mmu_map_mmio(VIRT_PL011_PA, PAGE_SIZE);
}

void pl011_set_base(paddr_t pa)
{
	uart = mmu_map_mmio(pa, PAGE_SIZE);
}

static void pl011_putc(char c)
{
	while (*(volatile uint32_t *)(uart + UARTFR) & FR_TXFF)
		arch_cpu_relax();
	*(volatile uint32_t *)(uart + UARTDR) = (uint8_t)c;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			pl011_putc('\r');
		pl011_putc(s[i]);
	}
}
