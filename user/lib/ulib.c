/* The user library's C half. */
#include <kiln/user.h>

__attribute__((noreturn)) void user_start(unsigned long arg);

void user_start(unsigned long arg)
{
	sys_exit(main(arg));
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return sys_write(1, buf, MIN((size_t)n, sizeof(buf) - 1));
}
