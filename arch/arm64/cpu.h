/* Per-CPU set-up shared by the boot CPU (setup.c, mmu.c) and the others (smp.c). */
#ifndef ARM64_CPU_H
#define ARM64_CPU_H

struct cpu;

/*
 * This CPU's own registers and struct cpu, interrupts masked: vector base,
 * PAN, EL0 counter access, emergency stack, percpu_install(). cpu->index
 * and cpu->hwid are set.
 */
void arm64_cpu_init(struct cpu *cpu);
/* Once the kernel's page tables are live on this CPU: off the identity map; its overflow stack. */
void arm64_mmu_cpu_init(struct cpu *cpu);

#endif
