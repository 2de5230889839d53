/* x86_64 crash scenarios (kiln.mode=crash kiln.crash=NAME). */
#include <kiln/kcrash.h>
#include <kiln/types.h>

KCRASH(invalid_opcode)
{
	asm volatile("ud2");
}

/*
 * Recurse into the boot stack's guard page: the #PF cannot be delivered on
 * that stack, so it becomes a #DF, which the IDT routes to its IST stack.
 */
static unsigned long recurse(volatile unsigned long depth)
{
	volatile char frame[512];

	frame[depth % sizeof(frame)] = (char)depth;
	if (depth == ~0ul)
		return 0;
	return recurse(depth + 1) + frame[0];
}

KCRASH(stack_overflow)
{
	recurse(0);
}
