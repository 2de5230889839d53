/* Kernel address space: what is mapped, with which permissions, and how faults report. */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ktest.h>
#include <kiln/probe.h>
#include <kiln/string.h>

static struct trap_record *last_fault(void)
{
	struct trap_record *r = &this_cpu()->last_fixup;

	memset(r, 0, sizeof(*r));
	return r;
}

KTEST(probe_reads_mapped_memory)
{
	static uint64_t word = 0x6b696c6e6b696c6eull;
	uint64_t val = 0;

	KEXPECT_TRUE(probe_read64((uintptr_t)&word, &val));
	KEXPECT_EQ(val, word);
	KEXPECT_TRUE(probe_write8((uintptr_t)&word, 0));
	KEXPECT_EQ(word & 0xff, 0);
}

KTEST(null_page_is_unmapped)
{
	struct trap_record *r = last_fault();
	uint64_t val;

	KEXPECT_FALSE(probe_read64(0x18, &val));
	KEXPECT_EQ(r->fault_addr, 0x18);
	KEXPECT_EQ(r->fault, MEM_FAULT_UNMAPPED);
	KEXPECT_FALSE(r->fault_write);
	KEXPECT_EQ(r->depth, 1);
}

KTEST(kernel_text_is_read_only)
{
	struct trap_record *r = last_fault();
	uintptr_t target = (uintptr_t)&probe_write8;
	uint64_t before, after;

	KASSERT_TRUE(probe_read64(target, &before));
	KEXPECT_FALSE(probe_write8(target, 0));
	KEXPECT_EQ(r->fault_addr, target);
	KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	KEXPECT_TRUE(r->fault_write);
	KASSERT_TRUE(probe_read64(target, &after));
	KEXPECT_EQ(after, before);
}

KTEST(rodata_is_read_only)
{
	static const char constant[8] = "kiln";
	struct trap_record *r = last_fault();

	KEXPECT_FALSE(probe_write8((uintptr_t)constant, 'K'));
	KEXPECT_EQ(r->fault_addr, (uintptr_t)constant);
	KEXPECT_EQ(r->fault, MEM_FAULT_PROTECTION);
	KEXPECT_STREQ(constant, "kiln");
}

KTEST(boot_stack_guard_is_unmapped)
{
	struct trap_record *r = last_fault();
	uint64_t val;

	KEXPECT_FALSE(probe_read64((uintptr_t)boot_stack_guard + 16, &val));
	KEXPECT_EQ(r->fault_addr, (uintptr_t)boot_stack_guard + 16);
	KEXPECT_EQ(r->fault, MEM_FAULT_UNMAPPED);
}
