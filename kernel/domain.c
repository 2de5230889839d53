/*
 * Memory domains (kiln/domain.h): the checks and the bookkeeping; the
 * page-table strategy (components/pagetable) does the translations.
 */
#include <kiln/arch.h>
#include <kiln/compiler.h>
#include <kiln/domain.h>
#include <kiln/page_alloc.h>
#include <kiln/pgtable.h>
#include <kiln/string.h>
#include <kiln/thread.h>
#include <uapi/kiln/abi.h>

extern char _text_start[], _kernel_end[];

#define PART_ATTRS (PROT_READ | PROT_WRITE | PROT_EXEC | PROT_DEVICE)

static bool overlap(uintptr_t a, size_t asize, uintptr_t b, size_t bsize)
{
	return a < b + bsize && b < a + asize;
}

static int check_shape(uintptr_t start, size_t size, unsigned int attr)
{
	if (((start | size) & (PAGE_SIZE - 1)) || !size || !(attr & PROT_READ) ||
	    (attr & ~PART_ATTRS))
		return -EINVAL;
	if (start < USER_VA_START || start >= USER_VA_END || size > USER_VA_END - start)
		return -EFAULT;
	return 0;
}

/* Also the RAM behind it: never the kernel image's. */
static int check_partition(const struct mem_partition *p)
{
	paddr_t image = virt_to_phys(_text_start), image_end = virt_to_phys(_kernel_end);
	int err = check_shape(p->start, p->size, p->attr);

	if (err)
		return err;
	if (p->pa & (PAGE_SIZE - 1))
		return -EINVAL;
	if (p->pa + p->size < p->pa || overlap(p->pa, p->size, image, image_end - image))
		return -EFAULT;
	return 0;
}

int mem_partition_alloc(struct mem_partition *p, uintptr_t start, size_t size, unsigned int attr)
{
	int err = check_shape(start, size, attr);
	paddr_t pa;

	if (err)
		return err;
	pa = page_alloc_contig(size / PAGE_SIZE);
	if (!pa)
		return -ENOMEM;
	memset(phys_to_virt(pa), 0, size);
	*p = (struct mem_partition){.start = start, .size = size, .attr = attr, .pa = pa};
	return 0;
}

void mem_partition_free(struct mem_partition *p)
{
	page_free_contig(p->pa, p->size / PAGE_SIZE);
	p->pa = 0;
}

void *mem_partition_kaddr(const struct mem_partition *p, uintptr_t va)
{
	return (char *)phys_to_virt(p->pa) + (va - p->start);
}

int mem_domain_init(struct mem_domain *d)
{
	*d = (struct mem_domain){.nparts = 0};
	return pt_domain_init(d);
}

void mem_domain_destroy(struct mem_domain *d)
{
	pt_domain_destroy(d);
	d->nparts = 0;
}

static int check_fits(const struct mem_domain *d, const struct mem_partition *p)
{
	if (overlap(p->start, p->size, USER_STACK_AREA_START, USER_STACK_AREA_SIZE))
		return -EEXIST;
	for (unsigned int i = 0; i < d->nparts; i++)
		if (overlap(p->start, p->size, d->parts[i]->start, d->parts[i]->size))
			return -EEXIST;
	if (d->nparts == CONFIG_MAX_DOMAIN_PARTITIONS)
		return -ENOSPC;
	return 0;
}

int mem_domain_add_partition(struct mem_domain *d, const struct mem_partition *p)
{
	int err = check_partition(p);
	bool irqs;

	if (err)
		return err;
	irqs = spin_lock_irqsave(&d->lock);
	err = check_fits(d, p);
	if (!err)
		err = pt_map(d, p);
	if (!err)
		d->parts[d->nparts++] = p;
	spin_unlock_irqrestore(&d->lock, irqs);
	return err;
}

int mem_domain_remove_partition(struct mem_domain *d, const struct mem_partition *p)
{
	bool irqs = spin_lock_irqsave(&d->lock);
	unsigned int i = 0;

	while (i < d->nparts && d->parts[i] != p)
		i++;
	if (i == d->nparts) {
		spin_unlock_irqrestore(&d->lock, irqs);
		return -ENOENT;
	}
	d->parts[i] = d->parts[--d->nparts];
	pt_unmap(d, p);
	spin_unlock_irqrestore(&d->lock, irqs);
	pt_flush(d, p);
	return 0;
}

/* t leaves its domain, if it is in one; t does not run meanwhile. */
static void leave(struct thread *t)
{
	struct mem_domain *old = t->domain;
	bool irqs;

	if (!old)
		return;
	irqs = spin_lock_irqsave(&old->lock);
	pt_stack_remove(old, t->ustack);
	t->domain = NULL;
	spin_unlock_irqrestore(&old->lock, irqs);
	pt_flush(old, t->ustack);
}

void mem_domain_remove_thread(struct thread *t)
{
	leave(t);
}

static bool valid_stack(const struct mem_partition *stack)
{
	return stack->start >= USER_STACK_AREA_START && stack->attr == (PROT_READ | PROT_WRITE);
}

int mem_domain_add_thread(struct mem_domain *d, struct thread *t, const struct mem_partition *stack)
{
	int err = check_partition(stack);
	bool irqs;

	if (!err && !valid_stack(stack))
		err = -EINVAL;
	if (err || (t->domain == d && t->ustack == stack))
		return err;
	if (t->domain == d)
		leave(t);
	irqs = spin_lock_irqsave(&d->lock);
	err = pt_stack_add(d, stack);
	spin_unlock_irqrestore(&d->lock, irqs);
	if (err)
		return err;
	leave(t);
	/* Both at once for the scheduler, which reads them at t's switch in. */
	irqs = spin_lock_irqsave(&d->lock);
	t->domain = d;
	t->ustack = stack;
	if (t == thread_current())
		pt_switch_in(t);
	spin_unlock_irqrestore(&d->lock, irqs);
	return 0;
}

static void unmap_pages(pte_t *root, uintptr_t va, uintptr_t end)
{
	for (; va < end; va += PAGE_SIZE)
		pgtable_unmap_page(root, va);
}

bool pt_map_partition(pte_t *root, const struct mem_partition *p)
{
	for (uintptr_t va = p->start; va < p->start + p->size; va += PAGE_SIZE)
		if (!pgtable_map_page(root, va, p->pa + (va - p->start), p->attr | PROT_USER)) {
			unmap_pages(root, p->start, va);
			return false;
		}
	return true;
}

void pt_unmap_partition(pte_t *root, const struct mem_partition *p)
{
	unmap_pages(root, p->start, p->start + p->size);
}

long mem_domain_table_bytes(unsigned int n)
{
	size_t pages = ALIGN_UP(n * sizeof(struct mem_domain), PAGE_SIZE) / PAGE_SIZE;
	paddr_t pa = page_alloc_contig(pages);
	struct mem_domain *d = phys_to_virt(pa);
	struct mem_partition part = {.pa = 0};
	size_t tables = 0;
	unsigned int made = 0;
	int err = pa ? mem_partition_alloc(&part, USER_VA_START, PAGE_SIZE, PROT_READ) : -ENOMEM;

	for (; !err && made < n; made++) {
		err = mem_domain_init(&d[made]);
		if (err)
			break;
		err = mem_domain_add_partition(&d[made], &part);
	}
	if (!err)
		tables = pgtable_pages();
	for (unsigned int i = 0; i < made; i++)
		mem_domain_destroy(&d[i]);
	if (part.pa)
		mem_partition_free(&part);
	if (pa)
		page_free_contig(pa, pages);
	return err ? err : (long)(tables * PAGE_SIZE);
}
