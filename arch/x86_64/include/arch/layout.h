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

/* e_machine of a user program */
#define ELF_MACHINE 62 /* EM_X86_64 */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1 << PAGE_SHIFT)

#define BOOT_STACK_SIZE 16384

/* GDT selectors */
#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_TSS	      0x18

/* Thread stacks (kernel/kstack.c): one 32 KiB slot each, the upper half never mapped. */
#define KSTACK_AREA_BASE  0xffffc90000000000
#define KSTACK_AREA_SLOTS 1024

#endif
