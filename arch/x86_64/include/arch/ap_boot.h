/*
 * Starting a secondary CPU (an AP): the real-mode trampoline (arch/x86_64/
 * trampoline.S) and the block the boot CPU fills for it (arch/x86_64/smp.c).
 * The platform sends INIT-SIPI-SIPI; one AP starts at a time.
 */
#ifndef ARCH_AP_BOOT_H
#define ARCH_AP_BOOT_H

/*
 * The page the trampoline runs from: a start-up IPI names a page below
 * 1 MiB. Conventional memory clear of the BIOS data area and the EBDA, and
 * of what firmware and the boot protocol use before the kernel runs; the
 * platform never hands it out (kvm-x86_64: pvh.c reserves all memory below
 * 1 MiB) and checks that it is RAM.
 */
#define AP_TRAMPOLINE_PA 0x8000

#ifndef __ASSEMBLER__
#include <kiln/types.h>

struct cpu;

/*
 * What the starting CPU takes, in the kernel image (offsets.h: AP_BOOT_*):
 * the kernel's page-table root, the top of its stack, the local APIC ID
 * it must have and its struct cpu. cpu is written last and taken with a
 * compare-and-swap to NULL, so that one CPU only runs on one filling (a CPU
 * that answers after its start was given up finds NULL, or another ID, and
 * stays parked).
 */
struct ap_boot {
	uint64_t cr3;
	uint64_t stack_top;
	uint32_t hwid;
	struct cpu *cpu;
};

/* Installs the trampoline and fills the block for cpu; returns the start-up IPI's page. */
unsigned int ap_boot_prepare(struct cpu *cpu, uintptr_t stack_top);
/* Whether the CPU has taken the block: it runs on its own stack from then on. */
bool ap_boot_taken(void);
/* Takes the block back; false when the CPU took it first. */
bool ap_boot_cancel(void);
#endif

#endif
