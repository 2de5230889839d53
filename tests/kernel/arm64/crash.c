/* arm64 crash scenarios (kiln.mode=crash kiln.crash=NAME). */
#include <kiln/kcrash.h>

KCRASH(undefined_instruction)
{
	asm volatile("udf #0");
}
