/* pagetable/kpti: each memory domain owns a root; user mode runs on tables without the kernel. */
#ifndef PAGETABLE_DOMAIN_H
#define PAGETABLE_DOMAIN_H

#include <kiln/pgtable.h>

struct cpu;

struct pt_domain {
	pte_t *root;	   /* its user half, as per-domain's */
	unsigned int asid; /* its kernel view's TLB tag (user view: + 1), or 0: shared */
	uint64_t slots[4]; /* x86_64: the top-level user entries root uses */
};

/*
 * Kernel translations are tagged with the view's address-space id, never
 * global: none filled for the kernel's view serves the user's (ids by pairs).
 */
#define PT_KERNEL_PROT PROT_NONGLOBAL
#define PT_ASID_VIEWS  2

#define pt_cpu_init pt_cpu_init
void pt_cpu_init(struct cpu *cpu);
#define pt_entry_stack pt_entry_stack
uintptr_t pt_entry_stack(struct cpu *cpu, uintptr_t top);

#endif
