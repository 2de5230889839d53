/*
 * Leaving QEMU with a verdict. PSCI SYSTEM_OFF always exits with status 0,
 * so a failure goes through semihosting SYS_EXIT (QEMU -semihosting), which
 * carries a status; passing powers off through PSCI like a real machine.
 */
#include <kiln/arch.h>
#include <kiln/extable.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <platform/board.h>

#define SYS_EXIT	     0x18
#define ADP_STOPPED_APP_EXIT 0x20026
#define EXIT_STATUS_FAIL     1

/* Without -semihosting, hlt #0xf000 is undefined: the fixup makes it a no-op. */
static void semihosting_exit(uint64_t status)
{
	uint64_t block[2] = {ADP_STOPPED_APP_EXIT, status};
	register uint64_t x0 asm("x0") = SYS_EXIT;
	register uint64_t *x1 asm("x1") = block;

	asm volatile("1: hlt #0xf000\n2:\n\t" EXTABLE_ENTRY("1b", "2b")
		     : "+r"(x0)
		     : "r"(x1)
		     : "memory");
}

__noreturn void platform_exit(bool pass)
{
	arch_irq_disable();
	printk_flush();
	if (!pass)
		semihosting_exit(EXIT_STATUS_FAIL);
	psci_system_off();
}
