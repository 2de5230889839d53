/* x86_64 CPU primitives: the arch interface the shared kernel code uses. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#define MSR_EFER	   0xc0000080
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define RFLAGS_IF (1ul << 9)

#ifndef __ASSEMBLER__
#include <kiln/compiler.h>
#include <kiln/types.h>

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t val)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
}

static inline void outb(uint16_t port, uint8_t val)
{
	asm volatile("outb %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t val;
	asm volatile("inb %1, %0" : "=a"(val) : "Nd"(port));
	return val;
}

static inline void outl(uint16_t port, uint32_t val)
{
	asm volatile("outl %0, %1" : : "a"(val), "Nd"(port));
}

static inline uint64_t read_cr2(void)
{
	uint64_t v;
	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr3(void)
{
	uint64_t v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(uint64_t v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	asm volatile("cpuid"
		     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
		     : "a"(leaf), "c"(sub));
}

static inline void arch_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void arch_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

/* Forced inline: at -Os GCC would make a call of these few instructions on the switch path. */
static __always_inline bool arch_irq_enabled(void)
{
	uint64_t flags;
	asm volatile("pushfq; popq %0" : "=r"(flags));
	return flags & RFLAGS_IF;
}

/* Stop until an interrupt; with interrupts disabled only an NMI or reset ends it. */
static inline void arch_wait_for_irq(void)
{
	asm volatile("hlt" : : : "memory");
}

/*
 * Called with interrupts disabled: sleep until an interrupt arrives, take
 * it, and return with interrupts disabled again. sti's one-instruction
 * shadow makes "sti; hlt" atomic, so a wake-up cannot slip in between.
 */
static inline void arch_idle(void)
{
	asm volatile("sti; hlt; cli" : : : "memory");
}

static inline void arch_cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

/* The cycle counter; under QEMU -icount shift=0 it counts guest instructions. */
static inline uint64_t arch_cycles(void)
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* Guest instructions for a cycle-counter delta under QEMU -icount shift=0 (TSC = instructions). */
static inline uint64_t arch_cycles_to_icount_insn(uint64_t cycles)
{
	return cycles;
}

/* Entropy for the stack canary: RDRAND when the CPU has it, else the TSC. */
uint64_t arch_random_seed(void);

/* The thread-local storage pointer: FS_BASE. */
static inline void arch_set_tls(uintptr_t tls)
{
	wrmsr(MSR_FS_BASE, tls);
}

static inline uintptr_t arch_get_tls(void)
{
	return rdmsr(MSR_FS_BASE);
}
#endif

#endif
