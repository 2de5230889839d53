/* The x86_64 part of struct cpu and the hardware CPU id. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <kiln/compiler.h>
#include <kiln/types.h>
#include <arch/lapic.h>

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

struct arch_cpu {
	/* null, kernel code, kernel data, TSS (two slots) */
	uint64_t gdt[5];
	struct tss tss;
};

static inline unsigned int arch_cpu_hwid(void)
{
	return lapic_id();
}

#endif
