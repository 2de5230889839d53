/* Fault-tolerant kernel memory access (kiln/probe.h); the arch supplies the instructions. */
#include <kiln/arch.h>
#include <kiln/extable.h>
#include <kiln/probe.h>

/* The access at 1:, resumed at 2: if it faults, which clears ok. */
#define PROBE(insn) \
	"1: " insn "\n\t" EXTABLE_ENTRY("1b", "2f") PROBE_BRANCH " 3f\n2: " PROBE_FAILED "\n3:"

bool probe_read8(uintptr_t addr, uint8_t *val)
{
	uint32_t v = 0;
	int ok = 1;

	asm volatile(PROBE(PROBE_READ8)
		     : [val] "+r"(v), [ok] "+r"(ok)
		     : [addr] "r"(addr)
		     : "memory");
	*val = v;
	return ok;
}

bool probe_read64(uintptr_t addr, uint64_t *val)
{
	uint64_t v = 0;
	int ok = 1;

	asm volatile(PROBE(PROBE_READ64)
		     : [val] "+r"(v), [ok] "+r"(ok)
		     : [addr] "r"(addr)
		     : "memory");
	*val = v;
	return ok;
}

bool probe_write8(uintptr_t addr, uint8_t val)
{
	int ok = 1;

	asm volatile(PROBE(PROBE_WRITE8)
		     : [ok] "+r"(ok)
		     : [addr] "r"(addr), [val] "r"(val)
		     : "memory");
	return ok;
}
