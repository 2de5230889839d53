/* Thread stacks with guard pages, in their own virtual area. */
#include <kiln/arch.h>
#include <kiln/kstack.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>

STATIC_ASSERT(KSTACK_SLOT % PAGE_SIZE == 0, "stack slots are whole pages");

/* Slot 0 is never used, so every stack has an unmapped half-slot below it. */
static bool slot_used[KSTACK_AREA_SLOTS];

static uintptr_t slot_base(unsigned int slot)
{
	return KSTACK_AREA_BASE + (uintptr_t)slot * KSTACK_SLOT;
}

static void unmap_pages(uintptr_t base, size_t size)
{
	for (uintptr_t va = base; va < base + size; va += PAGE_SIZE) {
		paddr_t pa = pgtable_unmap_page(kernel_pgtable, va);
		if (pa)
			page_free(pa);
	}
	arch_tlb_flush_all();
}

uintptr_t kstack_alloc(void)
{
	for (unsigned int slot = 1; slot < KSTACK_AREA_SLOTS; slot++) {
		uintptr_t base = slot_base(slot);
		if (slot_used[slot])
			continue;
		for (uintptr_t va = base; va < base + KSTACK_SIZE; va += PAGE_SIZE) {
			paddr_t pa = page_alloc();
			if (!pa) {
				unmap_pages(base, va - base);
				return 0;
			}
			pgtable_map(kernel_pgtable, va, pa, PAGE_SIZE, PROT_READ | PROT_WRITE, 0);
		}
		slot_used[slot] = true;
		return base;
	}
	return 0;
}

void kstack_free(uintptr_t base)
{
	unsigned int slot = (base - KSTACK_AREA_BASE) / KSTACK_SLOT;

	BUG_ON(base != slot_base(slot) || slot == 0 || slot >= KSTACK_AREA_SLOTS ||
	       !slot_used[slot]);
	unmap_pages(base, KSTACK_SIZE);
	slot_used[slot] = false;
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
