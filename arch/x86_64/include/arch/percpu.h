/* The x86_64 part of struct cpu and the hardware CPU id. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kiln/compiler.h>
#include <kiln/types.h>
#include <arch/lapic.h>
#include <arch/layout.h>

/* Local APIC IDs are 8 bits in xAPIC mode. */
#define ARCH_MAX_HWID 256

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __packed;

struct cpu;

/*
 * What the CPU itself reads of a CPU's tables on an entry from user mode,
 * alone in a page (page-table isolation maps this page, not struct cpu).
 */
struct x86_entry_page {
	/* null, kernel code, kernel data, user data, user code, TSS (two slots): arch/layout.h */
	uint64_t gdt[GDT_ENTRIES];
	/* tss.rsp[0]: where a trap or IRQ from user mode starts (the stackswitch policy's) */
	struct tss tss;
	/* Its CPU: the paranoid entry finds it from the GDT base (sgdt), without GS. */
	struct cpu *cpu;
	/*
	 * The page-table root the paranoid entry may switch to, found the same
	 * way: the CR3 live when the CPU set its tables up, or the one the
	 * page-table strategy gives it (pt_cpu_init()).
	 */
	uint64_t kernel_cr3;
} __aligned(PAGE_SIZE);

struct arch_cpu {
	struct x86_entry_page *entry; /* this CPU's */
	/*
	 * SYSCALL entry, which has no free register: the stack it switches to
	 * (the stackswitch policy keeps it current) and where it parks the
	 * user's stack pointer meanwhile (offsets.h: CPU_SYSCALL_*).
	 */
	uintptr_t syscall_sp;
	uintptr_t syscall_user_sp;
	/* For tests: NMIs taken in user mode, the last exception that killed a process. */
	unsigned long nmi_from_user;
	uint64_t user_fault_vector;
};

static inline unsigned int arch_cpu_hwid(void)
{
	return lapic_id();
}

#endif
