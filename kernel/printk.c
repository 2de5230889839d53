/* Console output. */
#include <kiln/console.h>
#include <kiln/printk.h>

int vprintk(const char *fmt, va_list ap)
{
	/* On the stack, not static: printk may interrupt itself from an exception handler. */
	char buf[PRINTK_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = MIN((size_t)n, sizeof(buf) - 1);

	console_write(buf, len);
	return (int)len;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
