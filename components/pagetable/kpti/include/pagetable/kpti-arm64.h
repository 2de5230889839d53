/*
 * pagetable/kpti, arm64: the two views of the kernel half that TTBR1_EL1
 * switches between. Included from C and assembly.
 */
#ifndef PAGETABLE_KPTI_ARM64_H
#define PAGETABLE_KPTI_ARM64_H

#include <arch/layout.h>

/*
 * What turns either view's TTBR1_EL1 into the other's by exclusive or: the
 * trampoline root and the kernel's are the two pages of a pair aligned to
 * twice their size, and a domain's user view has the odd address-space id
 * next to its kernel view's even one (TTBR1_EL1 bits 63:48, TCR_EL1.A1).
 */
#define KPTI_TTBR_ASID_SHIFT 48
#define KPTI_ROOT_TOGGLE     PAGE_SIZE
#define KPTI_ASID_TOGGLE     0x0001000000000000 /* 1 << KPTI_TTBR_ASID_SHIFT */

#ifndef __ASSEMBLER__
#include <kiln/pgtable.h>

/* For tests: the trampoline view (what user mode runs on) and the kernel's view. */
pte_t *kpti_tramp_root(void);
pte_t *kpti_kernel_root(void);
#endif

#endif
