/* x86_64 entry-path benchmarks. */
#include <kiln/extable.h>
#include <kiln/kbench.h>

/* int3 round trip: entry stub, full register save, fixup lookup, iretq. */
KBENCH(trap_roundtrip, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("int3\n1:\n\t" EXTABLE_ENTRY("1b", "1b")::: "memory");
}
