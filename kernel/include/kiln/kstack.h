/*
 * Thread stacks in their own virtual area. Each stack sits at the bottom of
 * a slot twice its size, so the page below it (the top of the previous,
 * never-mapped half-slot) is a guard: an overflow faults instead of
 * corrupting a neighbour, and an address inside the guard names the thread.
 */
#ifndef KILN_KSTACK_H
#define KILN_KSTACK_H

#include <kiln/types.h>

#define KSTACK_SIZE (16 * 1024)
#define KSTACK_SLOT (2 * KSTACK_SIZE)

/* Maps a stack; returns its lowest address, or 0 when out of memory or slots. */
uintptr_t kstack_alloc(void);
void kstack_free(uintptr_t base);
/* Whether addr lies in the unmapped guard region below the stack at base. */
bool kstack_in_guard(uintptr_t base, uintptr_t addr);

#endif
