/*
 * Thread stacks with guard pages, in their own virtual area. SMP: a lock
 * over the slots and their kernel page-table entries; a freed stack's
 * translations are shot down on every CPU before its pages are reused.
 */
#include <kiln/arch.h>
#include <kiln/kstack.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/smp.h>
#include <kiln/spinlock.h>

STATIC_ASSERT(KSTACK_SLOT % PAGE_SIZE == 0, "stack slots are whole pages");

/* Slot 0 is never used, so every stack has an unmapped half-slot below it. */
static bool slot_used[KSTACK_AREA_SLOTS];
static struct spinlock lock;

static uintptr_t slot_base(unsigned int slot)
{
	return KSTACK_AREA_BASE + (uintptr_t)slot * KSTACK_SLOT;
}

/*
 * Unmap [base, base + size) and free its pages once no CPU can reach them.
 * Without the lock: the shootdown waits for every CPU, and one may be
 * spinning on the lock with interrupts off.
 */
static void unmap_pages(uintptr_t base, size_t size)
{
	paddr_t pages[KSTACK_SIZE / PAGE_SIZE];
	size_t n = 0;

	for (uintptr_t va = base; va < base + size; va += PAGE_SIZE) {
		paddr_t pa = pgtable_unmap_page(kernel_pgtable, va);
		if (pa)
			pages[n++] = pa;
	}
	tlb_shootdown();
	while (n)
		page_free(pages[--n]);
}

static void release_slot(unsigned int slot)
{
	bool irqs = spin_lock_irqsave(&lock);

	slot_used[slot] = false;
	spin_unlock_irqrestore(&lock, irqs);
}

/* Takes a free slot; 0 if none. */
static unsigned int claim_slot(void)
{
	bool irqs = spin_lock_irqsave(&lock);
	unsigned int slot = 1;

	while (slot < KSTACK_AREA_SLOTS && slot_used[slot])
		slot++;
	if (slot < KSTACK_AREA_SLOTS)
		slot_used[slot] = true;
	spin_unlock_irqrestore(&lock, irqs);
	return slot < KSTACK_AREA_SLOTS ? slot : 0;
}

uintptr_t kstack_alloc(void)
{
	unsigned int slot = claim_slot();
	uintptr_t base = slot_base(slot), va;

	if (!slot)
		return 0;
	/* The slot is ours: its page-table entries are written by nobody else. */
	for (va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
		paddr_t pa = page_alloc();
		if (!pa) {
			unmap_pages(base, va - base);
			release_slot(slot);
			return 0;
		}
		pgtable_map(kernel_pgtable, va, pa, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
	}
	return base;
}

void kstack_free(uintptr_t base)
{
	unsigned int slot = (base - KSTACK_AREA_BASE) / KSTACK_SLOT;

	BUG_ON(base != slot_base(slot) || slot == 0 || slot >= KSTACK_AREA_SLOTS ||
	       !slot_used[slot]);
	unmap_pages(base, KSTACK_SIZE);
	release_slot(slot);
}

bool kstack_in_guard(uintptr_t base, uintptr_t addr)
{
	return addr < base && addr >= base - (KSTACK_SLOT - KSTACK_SIZE);
}

unsigned int kstack_count(void)
{
	unsigned int n = 0;

	for (unsigned int slot = 1; slot < KSTACK_AREA_SLOTS; slot++)
		n += slot_used[slot];
	return n;
}
