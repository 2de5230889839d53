/* arm64 virtual memory layout; included from C and assembly. */
#ifndef ARCH_LAYOUT_H
#define ARCH_LAYOUT_H

/*
 * All of RAM is mapped at LINEAR_MAP_BASE + PA in the TTBR1 half, and the
 * kernel image is linked inside that map: one formula converts both ways.
 */
#define LINEAR_MAP_BASE 0xffff000000000000
/*
 * QEMU -M virt places the DTB at the start of RAM (0x40000000) only when it
 * fits below the ELF image. Its own tree is 1 MiB; a -dtb file is loaded
 * with (size + 10000) * 2 bytes of room, so leave 4 MiB.
 */
#define RAM_BASE_VIRT  0x40000000
#define KERNEL_LOAD_PA 0x40400000
#define KERNEL_VMA     (LINEAR_MAP_BASE + KERNEL_LOAD_PA)

/*
 * The user half: TTBR0_EL1, a 48-bit range (TCR_EL1.T0SZ = 16) walked with
 * 4 KiB granules. The first 64 KiB stay unmapped, so that NULL and small
 * offsets from it fault.
 */
#define USER_VA_START 0x10000
#define USER_VA_END   0x1000000000000

/* 8-bit ASIDs (TCR_EL1.AS clear): kiln/arch.h's address-space ids. */
#define ARCH_ASIDS 256

/* e_machine of a user program */
#define ELF_MACHINE 183 /* EM_AARCH64 */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1 << PAGE_SHIFT)

/* Per-CPU stack a fatal exception that cannot trust its own stack is reported on (4 KiB). */
#define EMERGENCY_STACK_SHIFT 12

/* The boot tables map this much of physical memory (1 GiB blocks). */
#define BOOT_MAP_SIZE 0x100000000

/* Thread stacks (kernel/kstack.c): one 32 KiB slot each, the upper half never mapped. */
#define KSTACK_AREA_BASE  0xffff800000000000
#define KSTACK_AREA_SLOTS 1024

#endif
