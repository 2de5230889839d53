/* Arch-neutral crash scenarios (kiln.mode=crash kiln.crash=NAME). */
#include <generated/autoconf.h>
#include <kiln/kcrash.h>
#include <kiln/panic.h>
#include <kiln/types.h>
#include "stack_eater.h"

KCRASH(null_deref)
{
	/* Through a volatile pointer, so the compiler cannot see (and reject) the constant. */
	int *volatile p = (int *)(uintptr_t)0x10;

	*p = 1;
}

KCRASH(panic)
{
	panic("requested by kiln.crash=panic");
}

unsigned long stack_eater(volatile unsigned long depth)
{
	volatile char frame[512];

	frame[depth % sizeof(frame)] = (char)depth;
	if (depth == ~0ul)
		return 0;
	return stack_eater(depth + 1) + frame[0];
}

/* The main thread runs on the boot stack, which cannot be taken away: a clear panic. */
KCRASH(stack_overflow)
{
	stack_eater(0);
}

#ifdef CONFIG_STACKPROTECTOR
static void smash(volatile size_t len)
{
	char buf[16];

	for (size_t i = 0; i < len; i++)
		((volatile char *)buf)[i] = 'A';
}

KCRASH(stack_smash)
{
	smash(64);
}
#endif
