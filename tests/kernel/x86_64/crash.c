/* x86_64 crash scenarios (kiln.mode=crash kiln.crash=NAME). */
#include <kiln/kcrash.h>

KCRASH(invalid_opcode)
{
	asm volatile("ud2");
}
