/*
 * Page-table construction shared by the arches (entry format from kiln/arch.h).
 * SMP: callers own the leaves they write (a process its user half, the
 * kstack allocator its slot); intermediate tables, which neighbours share,
 * are installed with a compare-and-swap.
 */
#include <kiln/arch.h>
#include <kiln/compiler.h>
#include <kiln/domain.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/pgtable.h>
#include <kiln/string.h>

static unsigned int index_at(uintptr_t va, int level)
{
	return (va >> (PAGE_SHIFT + 9 * level)) & 511;
}

static size_t table_pages; /* tables allocated and not freed */
static unsigned long leaf_writes;

/* A zeroed table, or NULL when memory is exhausted. */
static pte_t *table_alloc(void)
{
	paddr_t pa = page_alloc();

	if (!pa)
		return NULL;
	__atomic_fetch_add(&table_pages, 1, __ATOMIC_RELAXED);
	memset(phys_to_virt(pa), 0, PAGE_SIZE);
	return phys_to_virt(pa);
}

static void table_free(pte_t *table)
{
	__atomic_fetch_sub(&table_pages, 1, __ATOMIC_RELAXED);
	page_free(virt_to_phys(table));
}

/* A statistic: concurrent writers may lose a count, which needs no locked add. */
static void count_write(void)
{
	__atomic_store_n(&leaf_writes, __atomic_load_n(&leaf_writes, __ATOMIC_RELAXED) + 1,
			 __ATOMIC_RELAXED);
}

unsigned long pgtable_leaf_writes(void)
{
	return __atomic_load_n(&leaf_writes, __ATOMIC_RELAXED);
}

size_t pgtable_pages(void)
{
	return __atomic_load_n(&table_pages, __ATOMIC_RELAXED);
}

pte_t *pgtable_alloc_root(void)
{
	return table_alloc();
}

/* A leaf entry; a kernel one with what the page-table strategy adds to each (PT_KERNEL_PROT). */
static pte_t leaf(paddr_t pa, int level, unsigned int prot)
{
	return pte_leaf(pa, level, prot & PROT_USER ? prot : prot | PT_KERNEL_PROT);
}

/*
 * The entry for va at level, creating the tables above it; NULL if a leaf
 * is in the way or memory is exhausted (the tables made so far stay).
 */
static pte_t *entry_at(pte_t *root, uintptr_t va, int level)
{
	pte_t *table = root;

	for (int l = PGTABLE_LEVELS - 1; l > level; l--) {
		pte_t *e = &table[index_at(va, l)];
		pte_t old = 0;

		if (!pte_valid(*e)) {
			pte_t *t = table_alloc();
			if (!t)
				return NULL;
			/* Another CPU may have put one here meanwhile: then use its table. */
			if (!__atomic_compare_exchange_n(e, &old, pte_table(virt_to_phys(t)), false,
							 __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
				table_free(t);
		}
		if (!pte_is_table(*e, l))
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
			*entry_at(root, va, 1) = leaf(pa, 1, prot);
			step = PGTABLE_LARGE_SIZE;
		} else {
			e = entry_at(root, va, 0);
			if (!e)
				panic("pgtable: cannot map %p (inside a large mapping, or out of "
				      "memory)",
				      (void *)va);
			*e = leaf(pa, 0, prot);
		}
		va += step;
		pa += step;
	}
}

/* The valid leaf entry that maps va (at *level), or NULL; creates nothing. */
static pte_t *leaf_of(pte_t *root, uintptr_t va, int *level)
{
	pte_t *table = root;

	for (int l = PGTABLE_LEVELS - 1; l >= 0; l--) {
		pte_t *e = &table[index_at(va, l)];
		if (!pte_valid(*e))
			return NULL;
		if (!pte_is_table(*e, l)) {
			*level = l;
			return e;
		}
		table = phys_to_virt(pte_addr(*e));
	}
	return NULL;
}

bool pgtable_map_page(pte_t *root, uintptr_t va, paddr_t pa, unsigned int prot)
{
	pte_t *e = entry_at(root, va, 0);

	if (!e)
		return false;
	*e = leaf(pa, 0, prot);
	count_write();
	return true;
}

bool pgtable_prepare(pte_t *root, uintptr_t va)
{
	return entry_at(root, va, 0) != NULL;
}

paddr_t pgtable_unmap_page(pte_t *root, uintptr_t va)
{
	int level;
	pte_t *leaf = leaf_of(root, va, &level);
	paddr_t pa;

	if (!leaf || level != 0)
		return 0;
	pa = pte_addr(*leaf);
	*leaf = 0;
	count_write();
	return pa;
}

paddr_t pgtable_lookup(pte_t *root, uintptr_t va)
{
	int level;
	pte_t *leaf = leaf_of(root, va, &level);
	uintptr_t span = (uintptr_t)1 << (PAGE_SHIFT + 9 * (leaf ? level : 0));

	/* Inside a large leaf, the page of va. */
	return leaf ? pte_addr(*leaf) + (va & (span - 1) & ~(uintptr_t)(PAGE_SIZE - 1)) : 0;
}

/* Free table (at level) and the tables below it; the pages they map are their owners'. */
static void free_subtree(pte_t *table, int level)
{
	for (unsigned int i = 0; i < 512 && level > 0; i++) {
		pte_t e = table[i];
		if (pte_valid(e) && pte_is_table(e, level))
			free_subtree(phys_to_virt(pte_addr(e)), level - 1);
	}
	table_free(table);
}

void pgtable_free_tables(pte_t *root, uintptr_t lo, uintptr_t hi)
{
	const int top = PGTABLE_LEVELS - 1;
	const uintptr_t span = (uintptr_t)1 << (PAGE_SHIFT + 9 * top);

	BUG_ON(lo % span || hi % span);
	for (uintptr_t va = lo; va != hi; va += span) {
		pte_t *e = &root[index_at(va, top)];
		if (pte_valid(*e) && pte_is_table(*e, top))
			free_subtree(phys_to_virt(pte_addr(*e)), top - 1);
		*e = 0;
	}
}

void pgtable_free_root(pte_t *root)
{
	table_free(root);
}
