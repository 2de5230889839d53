/* arm64 entry-path benchmarks. */
#include <kiln/extable.h>
#include <kiln/kbench.h>

/* brk round trip: vector, full register save, fixup lookup, eret. */
KBENCH(trap_roundtrip, 1000)
{
	for (uint64_t i = 0; i < n; i++)
		asm volatile("1: brk #1\n2:\n\t" EXTABLE_ENTRY("1b", "2b")::: "memory");
}
