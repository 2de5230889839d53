/* Fatal errors. */
#ifndef KILN_PANIC_H
#define KILN_PANIC_H

#include <kiln/compiler.h>

/* Prints the message and a backtrace, then exits the platform with a failure status. */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                           \
	do {                                                                   \
		if (unlikely(cond))                                            \
			panic("%s:%d: BUG_ON(%s)", __FILE__, __LINE__, #cond); \
	} while (0)

#endif
