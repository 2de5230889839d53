/*
 * pagetable/kpti on x86_64: what each CPU's user root maps of the kernel,
 * and that user mode runs on it after every kind of return from the kernel.
 */
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/ktest.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/printk.h>
#include <kiln/process.h>
#include <kiln/smp.h>
#include <kiln/thread.h>
#include <kiln/trap.h>
#include <arch/desc.h>
#include <arch/pte.h>
#include <pagetable/kpti-x86_64.h>
#include "../domain_util.h"
#include "lapic_partition.h"

#define SLOT(va) ((uintptr_t)(va) >> 39 & 511)

/* What a walk of one CPU's user root found in the kernel half. */
struct found {
	unsigned int cpu;
	unsigned long pages, large, stray;
	bool alias; /* the entry stack alias: mapped once a user thread has run on the CPU */
	uintptr_t first_stray;
};

static bool is_ist_top(unsigned int cpu, uintptr_t va)
{
	for (unsigned int i = 0; i < IST_COUNT; i++)
		if (va == cpus[cpu].arch.entry->tss.ist[i] - PAGE_SIZE)
			return true;
	return false;
}

/* The kernel pages an entry reads before it switches roots, as the kernel maps them. */
static bool is_entry_page(unsigned int cpu, uintptr_t va)
{
	struct __packed {
		uint16_t limit;
		uint64_t base;
	} idtr;

	asm volatile("sidt %0" : "=m"(idtr));
	return (va >= (uintptr_t)_entry_text_start && va < (uintptr_t)_entry_text_end) ||
	       va == idtr.base || va == (uintptr_t)cpus[cpu].arch.entry || is_ist_top(cpu, va);
}

static void note(struct found *f, uintptr_t va, pte_t e, int level)
{
	bool ok;

	f->pages++;
	f->large += level > 0;
	f->alias |= va == KPTI_ENTRY_STACK;
	if (va == KPTI_UTLS || va == KPTI_ENTRY_STACK)
		ok = true;
	else
		ok = is_entry_page(f->cpu, va) &&
		     pte_addr(e) == pgtable_lookup(kernel_pgtable, va) && !(e & PTE_U);
	if (!ok && !f->stray++)
		f->first_stray = va;
}

static void walk(struct found *f, const pte_t *table, int level, uintptr_t base)
{
	for (unsigned int i = 0; i < 512; i++) {
		pte_t e = table[i];
		uintptr_t va = base | (uintptr_t)i << (PAGE_SHIFT + 9 * level);

		if (level == PGTABLE_LEVELS - 1 && i >= 256)
			va |= 0xffff000000000000ul;
		if (!pte_valid(e))
			continue;
		if (pte_is_table(e, level))
			walk(f, phys_to_virt(pte_addr(e)), level - 1, va);
		else
			note(f, va, e, level);
	}
}

/* Kernel addresses of every kind, none of which a user root may map for cpu. */
static unsigned int kernel_mapped_in(pte_t *user_root, unsigned int cpu, uintptr_t heap)
{
	uintptr_t probes[] = {
		(uintptr_t)trap_dispatch,	  /* kernel text */
		(uintptr_t)&cpus[cpu],		  /* kernel data: this CPU's struct cpu */
		(uintptr_t)&kernel_pgtable,	  /* kernel data */
		(uintptr_t)kernel_pgtable,	  /* the direct map: a page table */
		heap,				  /* the heap */
		DIRECT_MAP_BASE + KERNEL_LOAD_PA, /* the direct map of the image */
		thread_current()->stack_base,	  /* a kernel stack below its top page */
	};
	unsigned int mapped = 0;

	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		mapped += pgtable_lookup(user_root, probes[i]) != 0;
	for (unsigned int other = 0; other < smp_cpus_online(); other++)
		if (other != cpu) {
			mapped += pgtable_lookup(user_root, (uintptr_t)cpus[other].arch.entry) != 0;
			for (unsigned int i = 1; i <= IST_COUNT; i++)
				mapped +=
					pgtable_lookup(user_root,
						       ist_stack_base(other, i) +
							       CONFIG_X86_IST_STACK_SIZE - 1) != 0;
		}
	return mapped;
}

/*
 * Walk each CPU's user root: of the kernel half, exactly the entry pages,
 * its own, and the entry area; no kernel text, data, heap or direct map,
 * nothing of another CPU.
 */
KTEST(kpti_user_roots_map_only_the_entry_pages)
{
	size_t text = (_entry_text_end - _entry_text_start) / PAGE_SIZE;
	paddr_t heap = page_alloc();

	KASSERT_TRUE(heap != 0);
	/* From its start, even before any process: an NMI's entry reads the UTLS in any root. */
	KEXPECT_EQ(read_cr3(), virt_to_phys(kpti_kernel_root(this_cpu()->index)));
	for (unsigned int cpu = 0; cpu < smp_cpus_online(); cpu++) {
		pte_t *root = kpti_user_root(cpu);
		struct found f = {.cpu = cpu};

		for (unsigned int s = 256; s < 512; s++)
			if (pte_valid(root[s]))
				walk(&f, phys_to_virt(pte_addr(root[s])), PGTABLE_LEVELS - 2,
				     0xffff000000000000ul | (uintptr_t)s << 39);
		if (f.stray)
			printk("# CPU %u's user root maps %p\n", cpu, (void *)f.first_stray);
		KEXPECT_EQ(f.stray, 0);
		KEXPECT_EQ(f.large, 0);
		/* Entry text, IDT, entry page, IST tops, UTLS, entry stack. */
		KEXPECT_EQ(f.pages, text + 2 + IST_COUNT + 1 + f.alias);
		KEXPECT_EQ(kernel_mapped_in(root, cpu, (uintptr_t)phys_to_virt(heap)), 0);
	}
	page_free(heap);
}

/*
 * This CPU's UTLS names its roots, and once a thread of a domain runs, the
 * entry stack alias maps the page below the stack top the stackswitch
 * policy published.
 */
KTEST(kpti_utls_and_entry_stack_alias)
{
	const struct kpti_utls *utls = (const struct kpti_utls *)KPTI_UTLS;
	struct test_domain td;
	struct cpu *cpu;

	KASSERT_TRUE(test_domain_enter(&td, 0x40000000ul, PROT_READ));
	cpu = this_cpu();

	KEXPECT_EQ(utls->kernel_cr3, read_cr3());
	KEXPECT_EQ(utls->user_cr3, virt_to_phys(kpti_user_root(cpu->index)));
	KEXPECT_EQ(cpu->arch.entry->tss.rsp[0], KPTI_ENTRY_STACK_TOP);
	KEXPECT_EQ(utls->stack_offset, utls->stack_top - KPTI_ENTRY_STACK_TOP);
	KEXPECT_EQ(pgtable_lookup(kpti_user_root(cpu->index), KPTI_ENTRY_STACK),
		   pgtable_lookup(kernel_pgtable, utls->stack_top - PAGE_SIZE));
	test_domain_leave(&td);
}

static bool walked(const pte_t *root, uintptr_t va)
{
	return root[SLOT(va)] & PTE_A;
}

/*
 * An NMI from user mode runs on this CPU's kernel root, which maps the
 * interrupted program (a profiler reads its stack): not on a root that
 * merely maps the kernel, such as the boot one.
 */
static unsigned long nmis_on_kernel_root, nmis_elsewhere;

static void note_nmi_root(struct trap_frame *tf, struct cpu *cpu)
{
	pte_t *root = phys_to_virt(pte_addr(read_cr3()));

	if (tf->vector != VEC_NMI || !arch_frame_from_user(tf))
		return;
	if (root == kpti_kernel_root(cpu->index) && pgtable_lookup(root, tf->rip))
		nmis_on_kernel_root++;
	else
		nmis_elsewhere++;
}

/*
 * User mode runs on the user root after a thread's first entry, system
 * calls, yields, interrupts and NMIs in user mode: the program touches its
 * probe page (alone in its top-level slot, which the kernel never touches)
 * after each, and the CPU sets the accessed bit of the top-level entry it
 * walked: the user root's, never a kernel root's.
 */
KTEST(kpti_user_mode_never_walks_a_kernel_root)
{
	static struct mem_partition probe;
	const struct mem_partition *parts[2] = {lapic_partition(), &probe};
	volatile struct x86_kpti_probe *p;
	unsigned long nmis = 0, kernel_walks = 0, user_walks = 0;
	long pid, status = -1;

	KASSERT_EQ(
		mem_partition_alloc(&probe, X86_KPTI_PROBE_VA, PAGE_SIZE, PROT_READ | PROT_WRITE),
		0);
	p = mem_partition_kaddr(&probe, X86_KPTI_PROBE_VA);
	for (unsigned int cpu = 0; cpu < smp_cpus_online(); cpu++)
		nmis -= cpus[cpu].arch.nmi_from_user;
	nmis_on_kernel_root = nmis_elsewhere = 0;
	trap_probe = note_nmi_root;
	pid = process_spawn_with("x86_kpti", 200, 0, parts, 2);
	KASSERT_LT(0, pid);
	while (!p->done)
		thread_sleep_ns(1000000);
	/* It spins, interrupted by the timer, while the roots of every CPU are read. */
	thread_sleep_ns(20000000);
	for (unsigned int cpu = 0; cpu < smp_cpus_online(); cpu++) {
		kernel_walks += walked(kpti_kernel_root(cpu), X86_KPTI_PROBE_VA);
		user_walks += walked(kpti_user_root(cpu), X86_KPTI_PROBE_VA);
		nmis += cpus[cpu].arch.nmi_from_user;
	}
	p->stop = 1;
	KEXPECT_EQ(process_wait(pid, &status), pid);
	trap_probe = NULL;
	KEXPECT_EQ(status, 0);
	KEXPECT_EQ(kernel_walks, 0);
	KEXPECT_EQ(nmis_elsewhere, 0);
	KEXPECT_GE(nmis_on_kernel_root, 1);
	KEXPECT_GE(user_walks, 1);
	KEXPECT_GE(nmis, 1);
	mem_partition_free(&probe);
}
