/*
 * pagetable/common: one root for every thread (kiln/domain.h). What is
 * mapped in its user half is the partitions of `applied` and the stack
 * `applied_stack`: those of the last user thread switched in, which kernel
 * threads keep. One CPU (Kconfig), interrupts off around every change: no
 * lock of its own.
 */
#include <kiln/arch.h>
#include <kiln/domain.h>
#include <kiln/panic.h>
#include <kiln/thread.h>
#include <uapi/kiln/abi.h>

static pte_t *root;
static struct mem_domain *applied;
static const struct mem_partition *applied_stack;

int pt_domain_init(struct mem_domain *d)
{
	(void)d;
	if (!root) {
		root = pgtable_alloc_root();
		if (!root)
			return -ENOMEM;
		arch_uspace_init(root);
		/* For good: kernel threads run in it too. */
		arch_uspace_activate(root, 0);
	}
	return 0;
}

static void apply(const struct mem_partition *p)
{
	if (!pt_map_partition(root, p))
		panic("pagetable: no table for %p, prepared when it was added", (void *)p->start);
}

static void reset(const struct mem_partition *p)
{
	pt_unmap_partition(root, p);
	for (uintptr_t va = p->start; va < p->start + p->size; va += PAGE_SIZE)
		arch_tlb_flush_page(va);
}

static void reset_domain(struct mem_domain *d)
{
	for (unsigned int i = 0; i < d->nparts; i++)
		reset(d->parts[i]);
}

void pt_domain_destroy(struct mem_domain *d)
{
	if (applied != d)
		return;
	reset_domain(d);
	/* Its thread's: no thread of d runs again. */
	if (applied_stack)
		reset(applied_stack);
	applied = NULL;
	applied_stack = NULL;
}

/* The tables p needs exist from now on, so that apply() cannot fail at a switch. */
static int prepare(const struct mem_partition *p)
{
	for (uintptr_t va = p->start; va < p->start + p->size; va += PAGE_SIZE)
		if (!pgtable_prepare(root, va))
			return -ENOMEM;
	return 0;
}

int pt_map(struct mem_domain *d, const struct mem_partition *p)
{
	int err = prepare(p);

	if (!err && d == applied)
		apply(p);
	return err;
}

void pt_unmap(struct mem_domain *d, const struct mem_partition *p)
{
	if (d == applied)
		reset(p);
}

int pt_stack_add(struct mem_domain *d, const struct mem_partition *p)
{
	(void)d;
	return prepare(p);
}

void pt_stack_remove(struct mem_domain *d, const struct mem_partition *p)
{
	(void)d;
	if (p == applied_stack) {
		reset(p);
		applied_stack = NULL;
	}
}

/* reset() flushed each page it cleared: one CPU, nothing else may hold them. */
void pt_flush(struct mem_domain *d, const struct mem_partition *p)
{
	(void)d;
	(void)p;
}

void pt_switch_in(struct thread *next)
{
	if (next->domain != applied) {
		if (applied)
			reset_domain(applied);
		applied = next->domain;
		for (unsigned int i = 0; i < applied->nparts; i++)
			apply(applied->parts[i]);
	}
	if (next->ustack != applied_stack) {
		if (applied_stack)
			reset(applied_stack);
		applied_stack = next->ustack;
		apply(applied_stack);
	}
}
