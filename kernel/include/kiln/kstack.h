/*
 * Thread stacks in their own virtual area. Each stack sits at the bottom of
 * a slot twice its size, so the page below it (the top of the previous,
 * never-mapped half-slot) is a guard: an overflow faults instead of
 * corrupting a neighbour, and an address inside the guard names the thread.
 */
#ifndef KILN_KSTACK_H
#define KILN_KSTACK_H

/*
 * Every kernel stack (the boot stack too) is KSTACK_SIZE bytes at a
 * KSTACK_SLOT-aligned address: bit KSTACK_SHIFT of a stack pointer is clear
 * inside a stack and set in the guard below it, a one-instruction overflow
 * test for entry code that has no stack to spare.
 */
#define KSTACK_SHIFT 14
#define KSTACK_SIZE  (1 << KSTACK_SHIFT)
#define KSTACK_SLOT  (2 * KSTACK_SIZE)

#ifndef __ASSEMBLER__
#include <kiln/types.h>

/* Maps a stack; returns its lowest address, or 0 when out of memory or slots. */
uintptr_t kstack_alloc(void);
void kstack_free(uintptr_t base);
/* Whether addr lies in the unmapped guard region below the stack at base. */
bool kstack_in_guard(uintptr_t base, uintptr_t addr);
/* How many stacks are mapped now (the boot stack, outside the area, not counted). */
unsigned int kstack_count(void);
#endif

#endif
