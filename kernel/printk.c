/*
 * Console output. Each CPU gathers its output in a line buffer and writes
 * whole lines under the console lock, so lines from different CPUs never
 * interleave mid-line. A printk nested inside another on the same CPU (an
 * NMI or exception while printing) writes straight out instead: its CPU's
 * buffer, and maybe the lock, are in use below it.
 */
#include <kiln/console.h>
#include <kiln/cpu.h>
#include <kiln/printk.h>
#include <kiln/spinlock.h>
#include <kiln/string.h>

struct line_buf {
	char buf[PRINTK_MAX];
	size_t len;
	bool busy;
};

static struct line_buf lines[CONFIG_NR_CPUS];
static struct spinlock console_lock;

/* Writes out lb's complete lines, or all of it when `all` or full; interrupts disabled. */
static void flush(struct line_buf *lb, bool all)
{
	size_t n = lb->len;

	if (!all && n < sizeof(lb->buf))
		while (n && lb->buf[n - 1] != '\n')
			n--;
	if (!n)
		return;
	spin_lock(&console_lock);
	console_write(lb->buf, n);
	spin_unlock(&console_lock);
	memmove(lb->buf, lb->buf + n, lb->len - n);
	lb->len -= n;
}

void printk_write(const char *s, size_t n)
{
	bool irqs = arch_irq_enabled();
	struct line_buf *lb;

	arch_irq_disable();
	lb = &lines[this_cpu()->index];
	if (lb->busy) {
		console_write(s, n);
	} else {
		lb->busy = true;
		while (n) {
			size_t take = MIN(n, sizeof(lb->buf) - lb->len);

			memcpy(lb->buf + lb->len, s, take);
			lb->len += take;
			s += take;
			n -= take;
			flush(lb, false);
		}
		lb->busy = false;
	}
	if (irqs)
		arch_irq_enable();
}

void printk_flush(void)
{
	bool irqs = arch_irq_enabled();
	struct line_buf *lb;

	arch_irq_disable();
	lb = &lines[this_cpu()->index];
	if (!lb->busy)
		flush(lb, true);
	if (irqs)
		arch_irq_enable();
}

int vprintk(const char *fmt, va_list ap)
{
	/* On the stack, not static: printk may interrupt itself from an exception handler. */
	char buf[PRINTK_MAX];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	size_t len = MIN((size_t)n, sizeof(buf) - 1);

	printk_write(buf, len);
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
