/*
 * pagetable/kpti, x86_64: the entry area, one top-level slot that each CPU's
 * kernel root and user root map alike, to this CPU's own pages. Included from
 * C and assembly.
 */
#ifndef PAGETABLE_KPTI_X86_64_H
#define PAGETABLE_KPTI_X86_64_H

#include <arch/layout.h>

#define KPTI_AREA 0xfffffe0000000000
/* The entry stack: an alias of the page below TSS.rsp0's real stack top; a guard page below. */
#define KPTI_ENTRY_STACK     (KPTI_AREA + PAGE_SIZE)
#define KPTI_ENTRY_STACK_TOP (KPTI_AREA + 2 * PAGE_SIZE)
/* This CPU's struct kpti_utls, after another guard page. */
#define KPTI_UTLS (KPTI_AREA + 3 * PAGE_SIZE)

#ifndef __ASSEMBLER__
#include <kiln/compiler.h>
#include <kiln/pgtable.h>
#include <kiln/types.h>

/* What entry code reads before it has a register or the kernel's tables: absolute addresses. */
struct kpti_utls {
	uint64_t kernel_cr3;   /* this CPU's kernel root */
	uint64_t user_cr3;     /* this CPU's user root */
	uint64_t scratch;      /* %rax, while a path that has no stack switches */
	uint64_t stack_top;    /* the real entry stack top that KPTI_ENTRY_STACK_TOP aliases */
	uint64_t stack_offset; /* stack_top - KPTI_ENTRY_STACK_TOP */
} __aligned(PAGE_SIZE);

/* For tests: a CPU's roots. */
pte_t *kpti_kernel_root(unsigned int cpu);
pte_t *kpti_user_root(unsigned int cpu);
#endif

#endif
