/* x86_64 virtual memory layout; included from C and assembly. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/* The image is linked in the top 2 GiB (-mcmodel=kernel) and loaded at 1 MiB. */
#define KERNEL_VMA     0xffffffff80000000
#define KERNEL_LOAD_PA 0x100000
/* All of RAM is mapped here, so any physical page is reachable by an add. */
#define DIRECT_MAP_BASE 0xffff800000000000
/* The boot page tables map this much at the direct map and identity. */
#define BOOT_MAP_SIZE 0x100000000

/* No PCID (none under TCG): one address-space id, 0, and every CR3 write flushes. */
#define ARCH_ASIDS 1

/* e_machine of a user program */
#define ELF_MACHINE 62 /* EM_X86_64 */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1 << PAGE_SHIFT)

#define BOOT_STACK_SIZE 16384

/*
 * GDT selectors. SYSCALL loads CS = STAR[47:32] and SS = that + 8; SYSRET
 * loads SS = STAR[63:48] + 8 and CS = STAR[63:48] + 16, both with RPL 3: so
 * kernel code, kernel data, user data, user code, in this order.
 */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_DS   (0x18 | 3)
#define GDT_USER_CS   (0x20 | 3)
#define GDT_TSS	      0x28
#define GDT_ENTRIES   7 /* the TSS descriptor takes two */

/*
 * The user half: [USER_VA_START, USER_VA_END). The first 64 KiB stay
 * unmapped, so a NULL-based pointer never reaches user memory; the last
 * canonical page too: a SYSCALL at its end would return to the
 * non-canonical 0x800000000000, and SYSRET to a non-canonical RIP faults
 * in ring 0 on Intel CPUs, on the user's stack.
 */
#define USER_VA_START 0x10000
#define USER_VA_END   0x00007ffffffff000

/* Thread stacks (kernel/kstack.c): one 32 KiB slot each, the upper half never mapped. */
#define KSTACK_AREA_BASE  0xffffc90000000000
#define KSTACK_AREA_SLOTS 1024

#endif
