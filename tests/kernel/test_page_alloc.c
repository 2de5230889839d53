/* Physical page allocator. */
#include <kiln/arch.h>
#include <kiln/ktest.h>
#include <kiln/page_alloc.h>
#include <kiln/string.h>

/*
 * Exhaustion tests keep their pages on a list threaded through the pages themselves. Each
 * page also records its own address at both ends: a page handed out twice would have one
 * of its records overwritten by the second owner.
 */
struct page_head {
	paddr_t self;
	paddr_t next;
};

static paddr_t *page_tail(paddr_t pa)
{
	return (paddr_t *)((char *)phys_to_virt(pa) + PAGE_SIZE - sizeof(paddr_t));
}

static void list_push(paddr_t *list, paddr_t pa)
{
	struct page_head *h = phys_to_virt(pa);

	h->self = pa;
	h->next = *list;
	*page_tail(pa) = pa;
	*list = pa;
}

static paddr_t list_pop(paddr_t *list)
{
	paddr_t pa = *list;

	*list = ((struct page_head *)phys_to_virt(pa))->next;
	return pa;
}

/* Allocates until page_alloc() fails; returns the number of pages on the list. */
static size_t exhaust(paddr_t *list)
{
	size_t n = 0;
	paddr_t pa;

	while ((pa = page_alloc()) != 0) {
		list_push(list, pa);
		n++;
	}
	return n;
}

static void free_list(paddr_t *list)
{
	while (*list)
		page_free(list_pop(list));
}

KTEST(page_alloc_exhaust)
{
	size_t free_before = page_alloc_free_count();
	size_t total = page_alloc_total_count();
	size_t n, misaligned = 0, corrupt = 0;
	paddr_t list = 0;

	KASSERT_NE(free_before, 0);
	KEXPECT_LE(free_before, total);

	n = exhaust(&list);
	KEXPECT_EQ(n, free_before);
	KEXPECT_EQ(page_alloc_free_count(), 0);
	KEXPECT_EQ(page_alloc(), 0);

	for (paddr_t pa = list; pa; pa = ((struct page_head *)phys_to_virt(pa))->next) {
		if (pa & (PAGE_SIZE - 1))
			misaligned++;
		if (((struct page_head *)phys_to_virt(pa))->self != pa || *page_tail(pa) != pa)
			corrupt++;
	}
	KEXPECT_EQ(misaligned, 0);
	KEXPECT_EQ(corrupt, 0);

	/* page_free() panics on a page outside the managed ranges. */
	free_list(&list);
	KEXPECT_EQ(page_alloc_free_count(), free_before);
	KEXPECT_EQ(page_alloc_total_count(), total);
}

KTEST(page_alloc_single)
{
	size_t free_before = page_alloc_free_count();
	unsigned char *va;
	size_t wrong = 0;
	paddr_t pa;

	pa = page_alloc();
	KASSERT_NE(pa, 0);
	KEXPECT_EQ(pa & (PAGE_SIZE - 1), 0);
	KEXPECT_EQ(page_alloc_free_count(), free_before - 1);

	va = phys_to_virt(pa);
	memset(va, 0xa5, PAGE_SIZE);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		wrong += va[i] != 0xa5;
	KEXPECT_EQ(wrong, 0);

	page_free(pa);
	KEXPECT_EQ(page_alloc_free_count(), free_before);

	pa = page_alloc();
	KASSERT_NE(pa, 0);
	KEXPECT_EQ(page_alloc_free_count(), free_before - 1);
	page_free(pa);
	KEXPECT_EQ(page_alloc_free_count(), free_before);
}

KTEST(page_alloc_reuse_after_exhaustion)
{
	size_t free_before = page_alloc_free_count();
	paddr_t list = 0, freed[3], got;
	size_t n, matched = 0;

	n = exhaust(&list);
	if (n < ARRAY_SIZE(freed))
		free_list(&list);
	KASSERT_GE(n, ARRAY_SIZE(freed));

	for (size_t i = 0; i < ARRAY_SIZE(freed); i++) {
		freed[i] = list_pop(&list);
		page_free(freed[i]);
	}
	KEXPECT_EQ(page_alloc_free_count(), ARRAY_SIZE(freed));

	/* Exactly the freed pages come back, then memory is exhausted again. */
	for (size_t i = 0; i < ARRAY_SIZE(freed); i++) {
		got = page_alloc();
		KEXPECT_NE(got, 0);
		for (size_t j = 0; j < ARRAY_SIZE(freed); j++)
			matched += got == freed[j];
		if (got)
			list_push(&list, got);
	}
	KEXPECT_EQ(matched, ARRAY_SIZE(freed));
	KEXPECT_EQ(page_alloc(), 0);

	free_list(&list);
	KEXPECT_EQ(page_alloc_free_count(), free_before);
}

/*
 * A contiguous run comes out of free pages only: exhaust memory, free three
 * pages of which two are neighbours, and only a run of those two fits.
 */
KTEST(page_alloc_contig_takes_free_runs_only)
{
	size_t free_before = page_alloc_free_count();
	paddr_t list = 0, a = 0, b = 0, lone = 0, run;

	KASSERT_GE(exhaust(&list), 3);
	/* The list is newest first: find two neighbours and one page apart from them. */
	for (paddr_t pa = list; pa && !lone; pa = ((struct page_head *)phys_to_virt(pa))->next) {
		paddr_t next = ((struct page_head *)phys_to_virt(pa))->next;
		if (!a && next && next + PAGE_SIZE == pa) {
			a = next;
			b = pa;
		} else if (a && pa != a && pa != b && pa + PAGE_SIZE != a && pa != b + PAGE_SIZE) {
			lone = pa;
		}
	}
	if (!lone) {
		free_list(&list);
		KASSERT_NE(lone, 0);
	}
	/* Take the three off the list (they stay allocated), then free them. */
	for (paddr_t *link = &list; *link;) {
		paddr_t pa = *link;
		if (pa == a || pa == b || pa == lone)
			*link = ((struct page_head *)phys_to_virt(pa))->next;
		else
			link = &((struct page_head *)phys_to_virt(pa))->next;
	}
	page_free(a);
	page_free(b);
	page_free(lone);
	KEXPECT_EQ(page_alloc_contig(3), 0);
	KEXPECT_EQ(page_alloc_contig(0), 0);
	run = page_alloc_contig(2);
	KEXPECT_EQ(run, a);
	KEXPECT_EQ(page_alloc_free_count(), 1);
	if (run)
		page_free_contig(run, 2);
	KEXPECT_EQ(page_alloc_contig(2), a);
	page_free_contig(a, 2);
	free_list(&list);
	KEXPECT_EQ(page_alloc_free_count(), free_before);
}
