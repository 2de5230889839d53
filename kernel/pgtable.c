/* Page-table construction shared by the arches (entry format from kiln/arch.h). */
#include <kiln/arch.h>
#include <kiln/compiler.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/pgtable.h>
#include <kiln/string.h>

static unsigned int index_at(uintptr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static size_t table_pages; /* tables allocated so far: never freed */

static pte_t *table_alloc(void)
{
	paddr_t pa = page_alloc();

	if (!pa)
		panic("pgtable: out of memory for page tables");
	table_pages++;
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

size_t pgtable_pages(void)
{
	return table_pages;
}

pte_t *pgtable_alloc_root(void)
{
	return table_alloc();
}

/* The entry for va at level, creating the tables above it; NULL if a leaf is in the way. */
static pte_t *entry_at(pte_t *root, uintptr_t va, int level)
{
	pte_t *table = root;

	for (int l = PGTABLE_LEVELS - 1; l > level; l--) {
		pte_t *e = &table[index_at(va, l)];
		if (!pte_valid(*e))
			*e = pte_table(virt_to_phys(table_alloc()));
		else if (!pte_is_table(*e, l))
			return NULL;
		table = phys_to_virt(pte_addr(*e));
	}
	return &table[index_at(va, level)];
}

static bool can_map_large(pte_t *root, uintptr_t va, paddr_t pa, uintptr_t end)
{
	pte_t *e;

	if ((va | pa) & (PGTABLE_LARGE_SIZE - 1) || end - va < PGTABLE_LARGE_SIZE)
		return false;
	e = entry_at(root, va, 1);
	return e && !pte_valid(*e);
}

void pgtable_map(pte_t *root, uintptr_t va, paddr_t pa, size_t size, unsigned int prot,
		 unsigned int flags)
{
	uintptr_t end = va + size;

	BUG_ON((va | pa | size) & (PAGE_SIZE - 1));
	while (va < end) {
		size_t step = PAGE_SIZE;
		pte_t *e;

		if ((flags & PGTABLE_LARGE) && can_map_large(root, va, pa, end)) {
			*entry_at(root, va, 1) = pte_leaf(pa, 1, prot);
			step = PGTABLE_LARGE_SIZE;
		} else {
			e = entry_at(root, va, 0);
			if (!e)
				panic("pgtable: %p is inside a large mapping", (void *)va);
			*e = pte_leaf(pa, 0, prot);
		}
		va += step;
		pa += step;
	}
}

paddr_t pgtable_unmap_page(pte_t *root, uintptr_t va)
{
	pte_t *table = root;

	for (int l = PGTABLE_LEVELS - 1; l > 0; l--) {
		pte_t e = table[index_at(va, l)];
		if (!pte_valid(e) || !pte_is_table(e, l))
			return 0;
		table = phys_to_virt(pte_addr(e));
	}
	pte_t *leaf = &table[index_at(va, 0)];
	paddr_t pa = pte_valid(*leaf) ? pte_addr(*leaf) : 0;
	*leaf = 0;
	return pa;
}
