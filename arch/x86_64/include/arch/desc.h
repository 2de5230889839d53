/* GDT, TSS and IDT setup. */
#ifndef ARCH_DESC_H
#define ARCH_DESC_H

#include <kiln/types.h>

#include <generated/hw.h> /* VEC_*, IST_*: arch/x86_64/hw.toml */

/* #PF error code bits */
#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER	   (1u << 2)
#define PF_FETCH   (1u << 4)

struct cpu;

void desc_init_cpu(struct cpu *cpu);
/* Lowest address of a CPU's IST stack (for tests that check which stack ran). */
uintptr_t ist_stack_base(unsigned int cpu, unsigned int ist);
/*
 * What the CPU reads of the kernel on an entry from user mode before entry
 * code runs, page-aligned ranges: the entry code (_entry_text_start/_end),
 * the IDT, cpu's GDT and TSS, the top page of each of its IST stacks (all the
 * paranoid entry uses before it switches page tables).
 */
typedef void (*x86_entry_pages_fn)(uintptr_t va, size_t size, unsigned int prot, void *arg);
void x86_entry_pages(struct cpu *cpu, x86_entry_pages_fn fn, void *arg);
/*
 * Entries from user mode start at top (TSS.rsp0), page-aligned: through
 * where the page-table strategy maps it (pt_entry_stack()).
 */
void tss_set_entry_stack(struct cpu *cpu, uintptr_t top);
extern char _entry_text_start[], _entry_text_end[];

#endif
