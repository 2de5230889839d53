/* arch/x86_64 internal: the set-up every CPU runs, the boot CPU and each secondary alike. */
#ifndef X86_64_SETUP_H
#define X86_64_SETUP_H

struct cpu;

void arch_cpu_init(struct cpu *cpu);

#endif
