/* x86_64 instructions as C: MSRs, port I/O, control registers, CPUID. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#define MSR_EFER	   0xc0000080
#define MSR_STAR	   0xc0000081
#define MSR_LSTAR	   0xc0000082
#define MSR_SFMASK	   0xc0000084
#define MSR_FS_BASE	   0xc0000100
#define MSR_GS_BASE	   0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

/* Bits, as plain numbers: boot and entry assembly use them too. */
#define EFER_SCE 0x1   /* SYSCALL/SYSRET enabled */
#define EFER_LME 0x100 /* long mode enabled */
#define EFER_NXE 0x800 /* the NX bit of page-table entries */

#define RFLAGS_RESERVED 0x2 /* always set */
#define RFLAGS_TF	0x100
#define RFLAGS_IF	0x200
#define RFLAGS_DF	0x400
#define RFLAGS_NT	0x4000
#define RFLAGS_RF	0x10000
#define RFLAGS_AC	0x40000

#define CR0_PE	     0x1
#define CR0_WP	     0x10000 /* write protection applies to the kernel too */
#define CR0_AM	     0x40000 /* alignment checks at CPL 3 when RFLAGS.AC is set */
#define CR0_PG	     0x80000000
#define CR4_PAE	     0x20
#define CR4_FSGSBASE 0x10000 /* rdfsbase/wrfsbase/rdgsbase/wrgsbase, at CPL 3 too */
#define CR4_SMEP     0x100000
#define CR4_SMAP     0x200000

#define CPUID7_EBX_FSGSBASE 0x1
#define CPUID7_EBX_SMEP	    0x80
#define CPUID7_EBX_SMAP	    0x100000

#ifndef __ASSEMBLER__
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

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	asm volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint64_t v)
{
	asm volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint64_t v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t out[4])
{
	asm volatile("cpuid"
		     : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3])
		     : "a"(leaf), "c"(sub));
}
#endif

#endif
