/* Fatal errors. */
#include <kiln/arch.h>
#include <kiln/console.h>
#include <kiln/panic.h>
#include <kiln/platform.h>
#include <kiln/printk.h>
#include <kiln/backtrace.h>

/* Nesting depth: printing, the backtrace or the exit itself may fault and panic again. */
static unsigned int panic_depth;

static __noreturn void panic_nested(void)
{
	static const char msg[] = "\nKERNEL PANIC: panic while panicking\n";

	if (panic_depth == 2) {
		console_write(msg, sizeof(msg) - 1);
		platform_exit(false);
	}
	/* platform_exit() itself failed: nothing is left to try. */
	for (;;)
		;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	arch_irq_disable();
	if (++panic_depth > 1)
		panic_nested();

	printk("\nKERNEL PANIC: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	backtrace_print();
	platform_exit(false);
}
