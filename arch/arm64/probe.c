/* Fault-tolerant kernel memory access (kiln/probe.h). */
#include <kiln/extable.h>
#include <kiln/probe.h>

bool probe_read64(uintptr_t addr, uint64_t *val)
{
	uint64_t v = 0;
	int ok = 1;

	asm volatile("1: ldr %0, [%2]\n\t" EXTABLE_ENTRY("1b", "2f") "b 3f\n2: mov %w1, #0\n3:"
		     : "+r"(v), "+r"(ok)
		     : "r"(addr)
		     : "memory");
	*val = v;
	return ok;
}

bool probe_write8(uintptr_t addr, uint8_t val)
{
	int ok = 1;

	asm volatile("1: strb %w2, [%1]\n\t" EXTABLE_ENTRY("1b", "2f") "b 3f\n2: mov %w0, #0\n3:"
		     : "+r"(ok)
		     : "r"(addr), "r"(val)
		     : "memory");
	return ok;
}
