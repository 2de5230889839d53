/*
 * Memory domains, whatever the page-table strategy: what a domain refuses,
 * what its user threads can and cannot touch (tests/user/domain.c), and
 * that a partition taken away is gone at once, on every CPU.
 */
#include <kiln/arch.h>
#include <kiln/domain.h>
#include <kiln/ktest.h>
#include <kiln/page_alloc.h>
#include <kiln/pgtable.h>
#include <kiln/probe.h>
#include <kiln/process.h>
#include <kiln/smp.h>
#include <kiln/thread.h>
#include "../user/domain.h"
#include "domain_util.h"

extern char _text_start[], _data_start[];

/* Partitions live here, away from the programs (linked at 4 MiB). */
#define PART_VA	 0x40000000ul
#define OTHER_VA 0x40200000ul
/* In a top-level page-table slot no program uses: a domain gains tables at every level there. */
#define FAR_VA 0x0000200000000000ul

static struct domain_page *page_of(const struct mem_partition *p)
{
	return mem_partition_kaddr(p, p->start);
}

/* Spawn domain(arg) with the partitions parts[0 .. n) and wait: its status, or the error. */
static long run_with(unsigned long arg, const struct mem_partition *const *parts, size_t n)
{
	long status, pid = process_spawn_with("domain", arg, 0, parts, n);

	if (pid < 0)
		return pid;
	return process_wait(pid, &status) == pid ? status : -1000;
}

/* Whether the kernel can read the user address va (a fault is caught). */
static bool user_readable(uintptr_t va)
{
	uint64_t val;
	bool ok;

	arch_user_access_begin();
	ok = probe_read64(va, &val);
	arch_user_access_end();
	return ok;
}

/* Every refusal leaves the domain as it was: no partition, no page-table write. */
KTEST(domain_refuses_bad_partitions)
{
	struct mem_partition good, parts[CONFIG_MAX_DOMAIN_PARTITIONS], p;
	struct mem_domain d;
	unsigned long writes;
	unsigned int n = 0;

	KASSERT_EQ(mem_domain_init(&d), 0);
	KASSERT_EQ(mem_partition_alloc(&good, PART_VA, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KASSERT_EQ(mem_domain_add_partition(&d, &good), 0);
	writes = pgtable_leaf_writes();

	/* Misaligned start, size or RAM; empty; attributes that are not a partition's. */
	p = (struct mem_partition){PART_VA + 0x100000 + 8, PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	p = (struct mem_partition){PART_VA + 0x100000, PAGE_SIZE + 8, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	p = (struct mem_partition){PART_VA + 0x100000, PAGE_SIZE, PROT_READ, good.pa + 8};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	p = (struct mem_partition){PART_VA + 0x100000, 0, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	p = (struct mem_partition){PART_VA + 0x100000, PAGE_SIZE, PROT_WRITE, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	p = (struct mem_partition){PART_VA + 0x100000, PAGE_SIZE, PROT_READ | PROT_USER, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EINVAL);
	KEXPECT_EQ(mem_partition_alloc(&p, PART_VA + 8, PAGE_SIZE, PROT_READ), -EINVAL);

	/* Over kernel memory: the kernel half, a range running into it, the kernel image's RAM. */
	p = (struct mem_partition){(uintptr_t)_text_start, PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EFAULT);
	p = (struct mem_partition){USER_VA_END - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EFAULT);
	p = (struct mem_partition){PAGE_SIZE, -(uintptr_t)PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EFAULT);
	p = (struct mem_partition){0, PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EFAULT);
	p = (struct mem_partition){PART_VA + 0x100000, PAGE_SIZE, PROT_READ | PROT_WRITE,
				   virt_to_phys(_data_start)};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EFAULT);
	KEXPECT_EQ(mem_partition_alloc(&p, (uintptr_t)_text_start, PAGE_SIZE, PROT_READ), -EFAULT);

	/* Overlapping: another partition of d (partly, or the same one again), the stack area. */
	p = (struct mem_partition){PART_VA + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EEXIST);
	KEXPECT_EQ(mem_domain_add_partition(&d, &good), -EEXIST);
	p = (struct mem_partition){USER_STACK_AREA_START - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ,
				   good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &p), -EEXIST);

	KEXPECT_EQ(d.nparts, 1);
	KEXPECT_EQ(pgtable_leaf_writes(), writes);
	KEXPECT_EQ(mem_domain_remove_partition(&d, &p), -ENOENT);

	/* Too many: the limit holds, the one past it is refused. */
	for (n = 1; n < CONFIG_MAX_DOMAIN_PARTITIONS; n++) {
		parts[n] = (struct mem_partition){PART_VA + n * 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ,
						  good.pa};
		if (mem_domain_add_partition(&d, &parts[n]))
			break;
	}
	KEXPECT_EQ(n, CONFIG_MAX_DOMAIN_PARTITIONS);
	parts[0] =
		(struct mem_partition){PART_VA + n * 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ, good.pa};
	KEXPECT_EQ(mem_domain_add_partition(&d, &parts[0]), -ENOSPC);
	KEXPECT_EQ(d.nparts, CONFIG_MAX_DOMAIN_PARTITIONS);
	mem_domain_destroy(&d);
	mem_partition_free(&good);
}

/* A thread's stack must be a writable, non-executable partition inside the stack area. */
KTEST(domain_refuses_bad_stacks)
{
	struct mem_partition stack;
	struct test_domain td;

	KASSERT_TRUE(test_domain_enter(&td, PART_VA, PROT_READ));
	KASSERT_EQ(mem_partition_alloc(&stack, USER_STACK_TOP - 2 * PAGE_SIZE, PAGE_SIZE,
				       PROT_READ | PROT_WRITE | PROT_EXEC),
		   0);
	KEXPECT_EQ(mem_domain_add_thread(&td.d, thread_current(), &stack), -EINVAL);
	stack.attr = PROT_READ | PROT_WRITE;
	stack.start = PART_VA + PAGE_SIZE;
	KEXPECT_EQ(mem_domain_add_thread(&td.d, thread_current(), &stack), -EINVAL);
	/* Refused, the thread is where it was. */
	KEXPECT_TRUE(thread_current()->domain == &td.d);
	KEXPECT_TRUE(thread_current()->ustack == &td.stack);
	test_domain_leave(&td);
	KEXPECT_TRUE(thread_current()->domain == NULL);
	mem_partition_free(&stack);
}

/* Every free page, taken: a chain through the pages themselves. */
static paddr_t take_all_pages(void)
{
	paddr_t head = 0, pa;

	while ((pa = page_alloc())) {
		*(paddr_t *)phys_to_virt(pa) = head;
		head = pa;
	}
	return head;
}

static void give_back(paddr_t head)
{
	while (head) {
		paddr_t next = *(paddr_t *)phys_to_virt(head);

		page_free(head);
		head = next;
	}
}

/*
 * An add that runs out of memory for a table midway leaves nothing mapped:
 * the same partition goes in once memory is back. Its first page lies under
 * a last-level table another partition made, its second past that table.
 */
KTEST(domain_add_out_of_table_memory_leaves_nothing)
{
	struct mem_partition below, across;
	struct mem_domain d;
	paddr_t taken;
	int err;

	KASSERT_EQ(mem_domain_init(&d), 0);
	KASSERT_EQ(mem_partition_alloc(&below, OTHER_VA - 2 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0);
	KASSERT_EQ(mem_partition_alloc(&across, OTHER_VA - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0);
	KASSERT_EQ(mem_domain_add_partition(&d, &below), 0);
	taken = take_all_pages();
	err = mem_domain_add_partition(&d, &across);
	give_back(taken);
	KEXPECT_EQ(err, -ENOMEM);
	KEXPECT_EQ(d.nparts, 1);
	KEXPECT_EQ(mem_domain_add_partition(&d, &across), 0);
	mem_domain_destroy(&d);
	mem_partition_free(&across);
	mem_partition_free(&below);
}

/* Inside its partitions a user thread reads and writes; read-only ones it only reads. */
KTEST(domain_user_reads_and_writes_its_partitions)
{
	struct mem_partition rw, ro;
	const struct mem_partition *parts[] = {&rw, &ro};

	KASSERT_EQ(mem_partition_alloc(&rw, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KASSERT_EQ(mem_partition_alloc(&ro, OTHER_VA, PAGE_SIZE, PROT_READ), 0);
	page_of(&rw)->in = DOMAIN_IN;
	page_of(&ro)->in = DOMAIN_IN;
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_TOUCH, PART_VA, 0), parts, 2), 0);
	KEXPECT_EQ(page_of(&rw)->out, DOMAIN_OUT);
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_READ, OTHER_VA, 0), parts, 2), DOMAIN_ALIVE);
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_WRITE, OTHER_VA, 0), parts, 2), KILN_STATUS_FAULT);
	KEXPECT_EQ(page_of(&ro)->in, DOMAIN_IN);
	/* Gone with the process: this CPU translates none of its memory any more. */
	KEXPECT_FALSE(user_readable(PART_VA));
	KEXPECT_FALSE(user_readable(USER_STACK_TOP - PAGE_SIZE));
	mem_partition_free(&rw);
	mem_partition_free(&ro);
}

/*
 * Outside them it faults, and only it dies: the user half nobody gave it, a
 * partition of another domain (in use meanwhile by a kernel thread's
 * domain), the kernel's text, data, heap and direct map.
 */
KTEST(domain_user_faults_outside_its_partitions)
{
	paddr_t heap = page_alloc();
	uintptr_t kernel[] = {(uintptr_t)_text_start, (uintptr_t)_data_start,
			      (uintptr_t)phys_to_virt(heap), (uintptr_t)phys_to_virt(0x100000)};
	struct test_domain td;
	unsigned long in;

	KASSERT_NE(heap, 0);

	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_READ, PART_VA, 0), NULL, 0), KILN_STATUS_FAULT);
	KASSERT_TRUE(test_domain_enter(&td, PART_VA, PROT_READ | PROT_WRITE));
	page_of(&td.part)->in = DOMAIN_IN;
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_READ, PART_VA, 0), NULL, 0), KILN_STATUS_FAULT);
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_WRITE, PART_VA, 0), NULL, 0), KILN_STATUS_FAULT);
	KEXPECT_EQ(page_of(&td.part)->in, DOMAIN_IN);
	/* This thread's domain is still its own. */
	arch_user_access_begin();
	in = *(volatile unsigned long *)PART_VA;
	arch_user_access_end();
	KEXPECT_EQ(in, DOMAIN_IN);
	test_domain_leave(&td);
	for (unsigned int i = 0; i < ARRAY_SIZE(kernel); i++) {
		KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_READ, ALIGN_DOWN(kernel[i], PAGE_SIZE), 0),
				    NULL, 0),
			   KILN_STATUS_FAULT);
		KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_WRITE, ALIGN_DOWN(kernel[i], PAGE_SIZE), 0),
				    NULL, 0),
			   KILN_STATUS_FAULT);
	}
	page_free(heap);
}

/* Two processes taking turns, each with its partition own[i], peeking at peek[i] (0: none). */
static void alternate(const struct mem_partition *own[2], const uintptr_t peek[2], long status[2])
{
	long pids[2];

	for (int i = 0; i < 2; i++) {
		page_of(own[i])->in = i + 1;
		page_of(own[i])->out = 0;
		page_of(own[i])->peek = peek[i];
	}
	for (int i = 0; i < 2; i++)
		pids[i] = process_spawn_with("domain",
					     DOMAIN_ARG(DOMAIN_ALTERNATE, own[i]->start, i + 1), 0,
					     &own[i], 1);
	for (int i = 0; i < 2; i++)
		if (pids[i] < 0 || process_wait(pids[i], &status[i]) != pids[i])
			status[i] = -1000;
}

/*
 * Two domains whose threads alternate on this CPU: with their partitions at
 * one address each sees its own page after every switch (a stale
 * translation would show the other's tag); with the partitions apart, a
 * peek at the other's, right after a switch from it, faults.
 */
static void check_alternating_domains(struct ktest *kt)
{
	struct mem_partition a, b;
	const struct mem_partition *own[2] = {&a, &b};
	const uintptr_t none[2] = {0, 0}, cross[2] = {OTHER_VA, PART_VA};
	long status[2];

	KASSERT_EQ(mem_partition_alloc(&a, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KASSERT_EQ(mem_partition_alloc(&b, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	alternate(own, none, status);
	KEXPECT_EQ(status[0], 0);
	KEXPECT_EQ(status[1], 0);
	KEXPECT_EQ(page_of(&a)->out, DOMAIN_ROUNDS);
	KEXPECT_EQ(page_of(&b)->out, DOMAIN_ROUNDS);
	mem_partition_free(&b);

	KASSERT_EQ(mem_partition_alloc(&b, OTHER_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	alternate(own, cross, status);
	KEXPECT_EQ(status[0], KILN_STATUS_FAULT);
	KEXPECT_EQ(status[1], KILN_STATUS_FAULT);
	mem_partition_free(&a);
	mem_partition_free(&b);
}

KTEST(domain_alternating_domains_never_see_each_other)
{
	check_alternating_domains(kt);
}

/*
 * With more domains alive than the TLB has address-space ids (ARCH_ASIDS),
 * the newest share one, flushed in at each switch: they stay apart too.
 */
KTEST(domain_domains_stay_apart_past_the_tlb_ids)
{
	const unsigned int n = ARCH_ASIDS + 8;
	size_t pages = ALIGN_UP(n * sizeof(struct mem_domain), PAGE_SIZE) / PAGE_SIZE;
	paddr_t pa = page_alloc_contig(pages);
	struct mem_domain *idle = phys_to_virt(pa);
	unsigned int made = 0;

	KASSERT_NE(pa, 0);
	while (made < n && !mem_domain_init(&idle[made]))
		made++;
	KEXPECT_EQ(made, n);
	if (made == n)
		check_alternating_domains(kt);
	while (made)
		mem_domain_destroy(&idle[--made]);
	page_free_contig(pa, pages);
}

/* Kernel threads of two domains alternating on one CPU, each reading the same user address. */
struct reader {
	struct test_domain td;
	unsigned long tag, wrong;
	bool in;
};

static void read_own(struct reader *r)
{
	uint64_t val = 0;

	for (int i = 0; i < DOMAIN_ROUNDS; i++) {
		arch_user_access_begin();
		r->wrong += !probe_read64(PART_VA, &val) || val != r->tag;
		arch_user_access_end();
		thread_yield();
	}
}

static void reader_thread(void *arg)
{
	struct reader *r = arg;

	r->in = test_domain_enter(&r->td, PART_VA, PROT_READ | PROT_WRITE);
	if (!r->in)
		return;
	page_of(&r->td.part)->in = r->tag;
	read_own(r);
	test_domain_leave(&r->td);
}

/*
 * The kernel reaches user memory through the domain the current thread is
 * in: right after a switch between domains, none of the other domain's
 * translations may serve it (a strategy that loads the new domain must
 * flush the old one's, even before any return to user mode).
 */
KTEST(domain_kernel_threads_of_two_domains_read_their_own)
{
	struct reader a = {.tag = 1}, b = {.tag = 2};
	struct thread *t;

	t = thread_create("reader", reader_thread, &b, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(t != NULL);
	reader_thread(&a);
	thread_join(t);
	KEXPECT_TRUE(a.in && b.in);
	KEXPECT_EQ(a.wrong, 0);
	KEXPECT_EQ(b.wrong, 0);
}

#ifdef CONFIG_SMP
/* Two processes per CPU, unbound, all with a partition at one address: each sees its own. */
KTEST(domain_domains_stay_apart_on_every_cpu)
{
	unsigned int n = 2 * smp_cpus_online(), wrong = 0;
	struct mem_partition parts[2 * CONFIG_NR_CPUS];
	const struct mem_partition *part;
	long pids[2 * CONFIG_NR_CPUS], status;

	thread_set_affinity(THREAD_ANY_CPU);
	for (unsigned int i = 0; i < n; i++) {
		pids[i] = -ENOMEM;
		parts[i].pa = 0;
		if (mem_partition_alloc(&parts[i], PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE))
			continue;
		page_of(&parts[i])->in = i + 1;
		part = &parts[i];
		pids[i] = process_spawn_with("domain", DOMAIN_ARG(DOMAIN_ALTERNATE, PART_VA, i + 1),
					     0, &part, 1);
	}
	for (unsigned int i = 0; i < n; i++) {
		if (pids[i] < 0 || process_wait(pids[i], &status) != pids[i] || status ||
		    page_of(&parts[i])->out != DOMAIN_ROUNDS)
			wrong++;
		if (parts[i].pa)
			mem_partition_free(&parts[i]);
	}
	thread_set_affinity(0);
	KEXPECT_EQ(wrong, 0);
}
#endif

/*
 * A user thread spins on its partition (on another CPU where there is
 * one); the partition is taken away, then the word it waits for is
 * written behind it. It must fault: had a TLB kept the translation, it
 * would read the word and exit 0.
 */
KTEST(domain_removed_partition_is_gone_at_once)
{
	unsigned int cpu = smp_cpus_online() > 1 ? 1 : 0;
	const struct mem_partition *parts[1];
	struct mem_partition p;
	struct process *proc;
	long pid, status = -1;

	KASSERT_EQ(mem_partition_alloc(&p, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	parts[0] = &p;
	thread_set_affinity((int)cpu);
	pid = process_spawn_with("domain", DOMAIN_ARG(DOMAIN_WATCH, PART_VA, cpu ? 0 : 1), 0, parts,
				 1);
	thread_set_affinity(0);
	KASSERT_LT(0, pid);
	/* It runs: its translation is in that CPU's TLB. */
	for (int i = 0; i < 1000 && !__atomic_load_n(&page_of(&p)->out, __ATOMIC_RELAXED); i++)
		thread_sleep_ns(1000000);
	KEXPECT_NE(__atomic_load_n(&page_of(&p)->out, __ATOMIC_RELAXED), 0);
	arch_irq_disable();
	proc = process_find(pid);
	arch_irq_enable();
	/* Only we reap it, and it cannot exit before the removal: proc stays valid. */
	KEXPECT_EQ(mem_domain_remove_partition(&proc->domain, &p), 0);
	__atomic_store_n(&page_of(&p)->in, DOMAIN_STOP, __ATOMIC_RELEASE);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	KEXPECT_EQ(status, KILN_STATUS_FAULT);
	mem_partition_free(&p);
}

/*
 * A partition added to a running domain is there at once: the thread
 * spins on one partition, then reads the other, added meanwhile, under a
 * top-level entry the domain did not have (kpti copies those per CPU).
 */
KTEST(domain_added_partition_is_there_at_once)
{
	struct mem_partition p, later;
	const struct mem_partition *parts[] = {&p};
	struct process *proc;
	long pid, status = -1;

	KASSERT_EQ(mem_partition_alloc(&p, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	KASSERT_EQ(mem_partition_alloc(&later, FAR_VA, PAGE_SIZE, PROT_READ), 0);
	page_of(&p)->peek = FAR_VA;
	page_of(&later)->in = DOMAIN_IN;
	pid = process_spawn_with("domain", DOMAIN_ARG(DOMAIN_WATCH, PART_VA, 1), 0, parts, 1);
	KASSERT_LT(0, pid);
	for (int i = 0; i < 1000 && !__atomic_load_n(&page_of(&p)->out, __ATOMIC_RELAXED); i++)
		thread_yield();
	arch_irq_disable();
	proc = process_find(pid);
	arch_irq_enable();
	KEXPECT_EQ(mem_domain_add_partition(&proc->domain, &later), 0);
	__atomic_store_n(&page_of(&p)->in, DOMAIN_STOP, __ATOMIC_RELEASE);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	KEXPECT_EQ(status, 0);
	mem_partition_free(&p);
	mem_partition_free(&later);
}

/*
 * A thread's stack is its own: not another domain's thread's, not mapped
 * once the thread leaves its domain, back when it rejoins; and a process's
 * is gone once the process is.
 */
KTEST(domain_stacks_are_their_threads_own)
{
	const uintptr_t own = USER_STACK_AREA_START, process_stack = USER_STACK_TOP - PAGE_SIZE;
	struct test_domain td;

	KASSERT_TRUE(test_domain_enter_at(&td, PART_VA, PROT_READ, own));
	KEXPECT_TRUE(user_readable(own));
	KEXPECT_EQ(run_with(DOMAIN_ARG(DOMAIN_READ, own, 0), NULL, 0), KILN_STATUS_FAULT);
	KEXPECT_TRUE(user_readable(own));
	KEXPECT_FALSE(user_readable(process_stack));
	mem_domain_remove_thread(thread_current());
	KEXPECT_FALSE(user_readable(own));
	KEXPECT_TRUE(thread_current()->domain == NULL);
	KEXPECT_EQ(mem_domain_add_thread(&td.d, thread_current(), &td.stack), 0);
	KEXPECT_TRUE(user_readable(own));
	test_domain_leave(&td);
	KEXPECT_FALSE(user_readable(own));
	KEXPECT_FALSE(user_readable(PART_VA));
}

/* A switch between a user thread and kernel threads leaves the page tables alone. */
KTEST(domain_switch_to_kernel_threads_writes_no_pte)
{
	struct mem_partition p;
	const struct mem_partition *parts[] = {&p};
	struct domain_page *page;
	unsigned long writes = 0, out = 0;
	long pid, status = -1;

	KASSERT_EQ(mem_partition_alloc(&p, PART_VA, PAGE_SIZE, PROT_READ | PROT_WRITE), 0);
	page = page_of(&p);
	/* It yields in its loop, so it and this thread take turns. */
	pid = process_spawn_with("domain", DOMAIN_ARG(DOMAIN_WATCH, PART_VA, 1), 0, parts, 1);
	KASSERT_LT(0, pid);
	for (int i = 0; i < 1000 && !__atomic_load_n(&page->out, __ATOMIC_RELAXED); i++)
		thread_yield();
	writes = pgtable_leaf_writes();
	out = __atomic_load_n(&page->out, __ATOMIC_RELAXED);
	for (int i = 0; i < 50; i++)
		thread_yield();
	out = __atomic_load_n(&page->out, __ATOMIC_RELAXED) - out;
	writes = pgtable_leaf_writes() - writes;
	__atomic_store_n(&page->in, DOMAIN_STOP, __ATOMIC_RELEASE);
	KEXPECT_EQ(process_wait(pid, &status), pid);
	KEXPECT_EQ(status, 0);
	KEXPECT_GE(out, 40);
	KEXPECT_EQ(writes, 0);
	mem_partition_free(&p);
}

/*
 * A kernel mapping made after a domain exists (a new thread's stack) is
 * there while the domain's translation is live: the kernel part is shared.
 */
static void note_ran(void *arg)
{
	*(volatile bool *)arg = true;
}

KTEST(domain_later_kernel_mappings_reach_every_domain)
{
	struct test_domain td;
	struct thread *t;
	volatile bool ran = false;

	KASSERT_TRUE(test_domain_enter(&td, PART_VA, PROT_READ));
	t = thread_create("late-stack", note_ran, (void *)&ran, THREAD_PRIO_DEFAULT);
	KASSERT_TRUE(t != NULL);
	thread_join(t);
	KEXPECT_TRUE(ran);
	KEXPECT_TRUE(thread_current()->domain == &td.d);
	test_domain_leave(&td);
}
