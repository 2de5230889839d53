/*
 * Physical page allocator: one bitmap per usable RAM region, one bit per page (set =
 * allocated), so a double free is always caught. The bitmaps live in pages carved from the
 * start of the first region large enough, and those pages are not managed.
 * SMP: one lock over all regions; allocation and free are short.
 */
#include <kiln/arch.h>
#include <kiln/page_alloc.h>
#include <kiln/panic.h>
#include <kiln/printk.h>
#include <kiln/spinlock.h>
#include <kiln/string.h>

#define MAX_REGIONS   32
#define BITS_PER_WORD (8 * sizeof(unsigned long))

struct region {
	paddr_t base;
	size_t npages;
	size_t nfree;
	/* Every word before hint is full, so exhausting memory costs O(n) in total. */
	size_t hint;
	unsigned long *bitmap;
};

static struct region regions[MAX_REGIONS];
static size_t nregions;
static struct spinlock lock;

/* Sorted, disjoint physical ranges. */
struct range_set {
	struct mem_range r[MAX_REGIONS];
	size_t n;
};

static void set_insert(struct range_set *set, size_t i, struct mem_range r)
{
	if (set->n == MAX_REGIONS)
		panic("page_alloc: more than %d memory regions", MAX_REGIONS);
	memmove(&set->r[i + 1], &set->r[i], (set->n - i) * sizeof(set->r[0]));
	set->r[i] = r;
	set->n++;
}

static void set_delete(struct range_set *set, size_t i)
{
	set->n--;
	memmove(&set->r[i], &set->r[i + 1], (set->n - i) * sizeof(set->r[0]));
}

/* Adds r, merging it with every range it overlaps or touches. */
static void set_add(struct range_set *set, struct mem_range r)
{
	size_t i = 0;

	if (r.start >= r.end)
		return;
	while (i < set->n && set->r[i].end < r.start)
		i++;
	while (i < set->n && set->r[i].start <= r.end) {
		r.start = MIN(r.start, set->r[i].start);
		r.end = MAX(r.end, set->r[i].end);
		set_delete(set, i);
	}
	set_insert(set, i, r);
}

static void set_remove(struct range_set *set, struct mem_range r)
{
	size_t i = 0;

	if (r.start >= r.end)
		return;
	while (i < set->n) {
		struct mem_range s = set->r[i];

		if (s.end <= r.start || r.end <= s.start) {
			i++;
			continue;
		}
		if (r.start <= s.start && s.end <= r.end) {
			set_delete(set, i);
			continue;
		}
		if (s.start < r.start && r.end < s.end)
			set_insert(set, i + 1, (struct mem_range){r.end, s.end});
		if (s.start < r.start)
			set->r[i].end = r.start;
		else
			set->r[i].start = r.end;
		i++;
	}
}

/* Keeps only whole pages. */
static void set_align_inward(struct range_set *set)
{
	size_t i = 0;

	while (i < set->n) {
		set->r[i].start = ALIGN_UP(set->r[i].start, PAGE_SIZE);
		set->r[i].end = ALIGN_DOWN(set->r[i].end, PAGE_SIZE);
		if (set->r[i].start >= set->r[i].end)
			set_delete(set, i);
		else
			i++;
	}
}

static size_t range_pages(struct mem_range r)
{
	return (size_t)((r.end - r.start) >> PAGE_SHIFT);
}

static size_t bitmap_words(size_t npages)
{
	return DIV_ROUND_UP(npages, BITS_PER_WORD);
}

/* Takes the bitmap pages from the front of the first range that keeps a page to spare. */
static unsigned long *carve_bitmaps(struct range_set *set)
{
	size_t words = 0, pages;

	for (size_t i = 0; i < set->n; i++)
		words += bitmap_words(range_pages(set->r[i]));
	pages = DIV_ROUND_UP(words * sizeof(unsigned long), (size_t)PAGE_SIZE);

	for (size_t i = 0; i < set->n; i++) {
		if (range_pages(set->r[i]) > pages) {
			paddr_t pa = set->r[i].start;

			set->r[i].start += (paddr_t)pages << PAGE_SHIFT;
			return phys_to_virt(pa);
		}
	}
	panic("page_alloc: no usable region can hold the %zu bitmap pages", pages);
}

static void region_init(struct region *r, struct mem_range range, unsigned long *bitmap)
{
	size_t words;

	r->base = range.start;
	r->npages = range_pages(range);
	r->nfree = r->npages;
	r->hint = 0;
	r->bitmap = bitmap;
	words = bitmap_words(r->npages);
	memset(bitmap, 0, words * sizeof(unsigned long));
	/* Mark the bits past the end allocated so searches never return them. */
	if (r->npages % BITS_PER_WORD)
		bitmap[words - 1] = ~0UL << (r->npages % BITS_PER_WORD);
}

void page_alloc_init(const struct mem_range *ram, size_t nram, const struct mem_range *reserved,
		     size_t nreserved)
{
	struct range_set set = {.n = 0};
	unsigned long *bitmap;

	for (size_t i = 0; i < nram; i++)
		set_add(&set, ram[i]);
	/* Page 0 is page_alloc()'s failure value. */
	set_remove(&set, (struct mem_range){0, PAGE_SIZE});
	for (size_t i = 0; i < nreserved; i++) {
		struct mem_range r = {
			ALIGN_DOWN(reserved[i].start, PAGE_SIZE),
			ALIGN_UP(reserved[i].end, PAGE_SIZE),
		};

		set_remove(&set, r);
	}
	set_align_inward(&set);

	bitmap = carve_bitmaps(&set);
	for (nregions = 0; nregions < set.n; nregions++) {
		region_init(&regions[nregions], set.r[nregions], bitmap);
		bitmap += bitmap_words(regions[nregions].npages);
	}
}

static paddr_t region_alloc(struct region *r)
{
	unsigned int bit;

	/* nfree > 0, so a free bit exists at or after hint. */
	while (r->bitmap[r->hint] == ~0UL)
		r->hint++;
	bit = (unsigned int)__builtin_ctzl(~r->bitmap[r->hint]);
	r->bitmap[r->hint] |= 1UL << bit;
	r->nfree--;
	return r->base + ((paddr_t)(r->hint * BITS_PER_WORD + bit) << PAGE_SHIFT);
}

paddr_t page_alloc(void)
{
	bool irqs = spin_lock_irqsave(&lock);
	paddr_t pa = 0;

	for (size_t i = 0; i < nregions && !pa; i++)
		if (regions[i].nfree > 0)
			pa = region_alloc(&regions[i]);
	spin_unlock_irqrestore(&lock, irqs);
	return pa;
}

static bool page_taken(const struct region *r, size_t page)
{
	return r->bitmap[page / BITS_PER_WORD] & (1UL << (page % BITS_PER_WORD));
}

/* First fit from hint: the first page of n free ones in a row, or npages. */
static size_t region_find_run(const struct region *r, size_t n)
{
	size_t run = 0;

	for (size_t page = r->hint * BITS_PER_WORD; page < r->npages; page++) {
		run = page_taken(r, page) ? 0 : run + 1;
		if (run == n)
			return page + 1 - n;
	}
	return r->npages;
}

paddr_t page_alloc_contig(size_t n)
{
	bool irqs = spin_lock_irqsave(&lock);
	paddr_t pa = 0;

	for (size_t i = 0; i < nregions && !pa && n; i++) {
		struct region *r = &regions[i];
		size_t first = r->nfree >= n ? region_find_run(r, n) : r->npages;

		if (first == r->npages)
			continue;
		for (size_t page = first; page < first + n; page++)
			r->bitmap[page / BITS_PER_WORD] |= 1UL << (page % BITS_PER_WORD);
		r->nfree -= n;
		pa = r->base + ((paddr_t)first << PAGE_SHIFT);
	}
	spin_unlock_irqrestore(&lock, irqs);
	return pa;
}

static struct region *region_of(paddr_t pa)
{
	for (size_t i = 0; i < nregions; i++) {
		struct region *r = &regions[i];

		if (pa >= r->base && (pa - r->base) >> PAGE_SHIFT < r->npages)
			return r;
	}
	return NULL;
}

void page_free(paddr_t pa)
{
	struct region *r = region_of(pa);
	size_t page, word;
	unsigned long mask;
	bool irqs;

	if (pa & (PAGE_SIZE - 1))
		panic("page_free: unaligned address 0x%llx", (unsigned long long)pa);
	if (!r)
		panic("page_free: 0x%llx is not a managed page", (unsigned long long)pa);

	page = (size_t)((pa - r->base) >> PAGE_SHIFT);
	word = page / BITS_PER_WORD;
	mask = 1UL << (page % BITS_PER_WORD);
	irqs = spin_lock_irqsave(&lock);
	if (!(r->bitmap[word] & mask)) {
		spin_unlock_irqrestore(&lock, irqs);
		panic("page_free: double free of 0x%llx", (unsigned long long)pa);
	}
	r->bitmap[word] &= ~mask;
	r->nfree++;
	r->hint = MIN(r->hint, word);
	spin_unlock_irqrestore(&lock, irqs);
}

void page_free_contig(paddr_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		page_free(pa + ((paddr_t)i << PAGE_SHIFT));
}

size_t page_alloc_free_count(void)
{
	bool irqs = spin_lock_irqsave(&lock);
	size_t n = 0;

	for (size_t i = 0; i < nregions; i++)
		n += regions[i].nfree;
	spin_unlock_irqrestore(&lock, irqs);
	return n;
}

size_t page_alloc_total_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < nregions; i++)
		n += regions[i].npages;
	return n;
}

void page_alloc_print_stats(void)
{
	const size_t kib = (size_t)PAGE_SIZE / 1024;

	for (size_t i = 0; i < nregions; i++) {
		const struct region *r = &regions[i];

		printk("page_alloc: [0x%016llx-0x%016llx) %zu KiB\n", (unsigned long long)r->base,
		       (unsigned long long)(r->base + ((paddr_t)r->npages << PAGE_SHIFT)),
		       r->npages * kib);
	}
	printk("page_alloc: %zu KiB free of %zu KiB\n", page_alloc_free_count() * kib,
	       page_alloc_total_count() * kib);
}
