/*
 * pagetable/kpti on arm64: what the trampoline view maps (the entry text
 * page, nothing else of the kernel), that kernel pages are not global, that
 * domains take address-space ids by pairs, and that user mode really runs
 * on the trampoline view: the kernel's view, with the domain's even id,
 * after every entry from EL0, which the entry's exclusive ors give only
 * from the trampoline view with the odd id; and a user read of kernel
 * memory is a translation fault there, where the kernel's view would give
 * a permission fault.
 */
#include <generated/hw.h>
#include <kiln/arch.h>
#include <kiln/cpu.h>
#include <kiln/domain.h>
#include <kiln/ktest.h>
#include <kiln/mm.h>
#include <kiln/page_alloc.h>
#include <kiln/process.h>
#include <kiln/thread.h>
#include <kiln/trap.h>
#include <arch/pte.h>
#include <arch/sysreg.h>
#include <pagetable/kpti-arm64.h>
#include "../../user/domain.h"
#include "esr.h" /* arch-private: ccflags-y in Kbuild */

#define TCR_A1	     (1ull << 22)
#define TTBR_ADDR    0x0000fffffffff000ull
#define TTBR_ASID(v) ((v) >> KPTI_TTBR_ASID_SHIFT & 0xff)

extern char _text_start[], _rodata_start[], _data_start[];
extern char _entry_text_start[], _entry_text_end[], exception_vectors[];

/* Every valid leaf under table (at level, mapping from va) to fn; how many. */
static unsigned long walk(const pte_t *table, int level, uintptr_t va,
			  void (*fn)(uintptr_t va, int level, pte_t e, void *arg), void *arg)
{
	unsigned long leaves = 0;

	for (unsigned int i = 0; i < 512; i++) {
		pte_t e = table[i];
		uintptr_t at = va | (uintptr_t)i << (PAGE_SHIFT + 9 * level);

		if (!pte_valid(e))
			continue;
		if (pte_is_table(e, level))
			leaves += walk(phys_to_virt(pte_addr(e)), level - 1, at, fn, arg);
		else {
			fn(at, level, e, arg);
			leaves++;
		}
	}
	return leaves;
}

/* The TTBR1 half: every address with its top 16 bits set. */
static unsigned long walk_view(const pte_t *root,
			       void (*fn)(uintptr_t va, int level, pte_t e, void *arg), void *arg)
{
	return walk(root, PGTABLE_LEVELS - 1, LINEAR_MAP_BASE, fn, arg);
}

struct tramp_check {
	struct ktest *kt;
	unsigned long outside, wrong;
};

/* A leaf of the trampoline view: an entry text page where the kernel has it, kernel text. */
static void check_tramp_leaf(uintptr_t va, int level, pte_t e, void *arg)
{
	struct tramp_check *c = arg;
	const pte_t attrs = PTE_AP_EL0 | PTE_AP_RO | PTE_PXN | PTE_UXN | PTE_NG;

	if (level || va < (uintptr_t)_entry_text_start || va >= (uintptr_t)_entry_text_end) {
		c->outside++;
		return;
	}
	c->wrong += pte_addr(e) != virt_to_phys((void *)va) ||
		    (e & attrs) != (PTE_AP_RO | PTE_UXN | PTE_NG);
}

/* Kernel memory of every kind, each mapped in the kernel's view. */
static unsigned int kernel_pages(uintptr_t *out, paddr_t heap)
{
	struct cpu *cpu = this_cpu();
	unsigned int n = 0;

	out[n++] = (uintptr_t)_text_start;
	out[n++] = (uintptr_t)trap_dispatch;
	out[n++] = (uintptr_t)_rodata_start;
	out[n++] = (uintptr_t)_data_start;
	out[n++] = (uintptr_t)&kernel_pgtable;		   /* .bss */
	out[n++] = (uintptr_t)phys_to_virt(heap);	   /* the heap, in the direct map */
	out[n++] = (uintptr_t)phys_to_virt(RAM_BASE_VIRT); /* the direct map: RAM's first page */
	out[n++] = (uintptr_t)kernel_pgtable;
	out[n++] = (uintptr_t)kpti_kernel_root();
	out[n++] = (uintptr_t)cpu; /* the per-CPU area: struct cpu, its stacks */
	out[n++] = cpu->arch.overflow_sp - PAGE_SIZE;
	out[n++] = cpu->arch.emergency_sp - 1;
	out[n++] = thread_current()->stack_top - PAGE_SIZE;
	for (unsigned int i = 0; i < n; i++)
		out[i] = ALIGN_DOWN(out[i], PAGE_SIZE);
	return n;
}

/*
 * The trampoline view maps the entry text page and nothing else: each leaf
 * at its kernel address and page, executable at EL1 only, read-only, not
 * global; the count exact. Kernel text, data, heap, direct map, per-CPU
 * areas and page tables are not there.
 */
KTEST(kpti_trampoline_view_maps_only_the_entry_text)
{
	struct tramp_check c = {.kt = kt};
	pte_t *tramp = kpti_tramp_root();
	paddr_t heap = page_alloc();
	uintptr_t pages[16];
	unsigned int n;

	KASSERT_NE(heap, 0);
	KEXPECT_EQ(walk_view(tramp, check_tramp_leaf, &c),
		   (unsigned long)(_entry_text_end - _entry_text_start) / PAGE_SIZE);
	KEXPECT_EQ(c.outside, 0ul);
	KEXPECT_EQ(c.wrong, 0ul);
	KEXPECT_EQ(_entry_text_end - _entry_text_start, PAGE_SIZE);
	KEXPECT_EQ(pgtable_lookup(tramp, (uintptr_t)exception_vectors),
		   virt_to_phys(exception_vectors));
	n = kernel_pages(pages, heap);
	for (unsigned int i = 0; i < n; i++) {
		KEXPECT_NE(pgtable_lookup(kpti_kernel_root(), pages[i]), 0);
		KEXPECT_EQ(pgtable_lookup(tramp, pages[i]), 0);
	}
	page_free(heap);
}

static void count_global(uintptr_t va, int level, pte_t e, void *arg)
{
	(void)va;
	(void)level;
	*(unsigned long *)arg += !(e & PTE_NG);
}

/*
 * Kernel pages are not global, the trampoline's neither: a TLB entry of one
 * view serves no other id. The kernel's view is the kernel root's top level
 * (every entry made at boot), live in TTBR1_EL1 with an even id (TCR_EL1.A1),
 * one page off the trampoline root.
 */
KTEST(kpti_kernel_pages_are_not_global)
{
	unsigned long global = 0, tramp_global = 0;
	uint64_t ttbr1 = read_sysreg(ttbr1_el1);

	KEXPECT_GT(walk_view(kpti_kernel_root(), count_global, &global), 100ul);
	KEXPECT_EQ(global, 0ul);
	walk_view(kpti_tramp_root(), count_global, &tramp_global);
	KEXPECT_EQ(tramp_global, 0ul);
	for (unsigned int i = 0; i < 512; i++)
		KEXPECT_EQ(kpti_kernel_root()[i], kernel_pgtable[i]);
	KEXPECT_EQ(ttbr1 & TTBR_ADDR, virt_to_phys(kpti_kernel_root()));
	KEXPECT_EQ(virt_to_phys(kpti_kernel_root()),
		   virt_to_phys(kpti_tramp_root()) ^ KPTI_ROOT_TOGGLE);
	KEXPECT_EQ(TTBR_ASID(ttbr1) % 2, 0ul);
	KEXPECT_TRUE(read_sysreg(tcr_el1) & TCR_A1);
}

/*
 * Each domain takes an even id for its kernel view and the odd one above
 * for its user view: no domain's kernel view shares an id with any user view.
 */
KTEST(kpti_domains_take_address_space_id_pairs)
{
	struct mem_domain d[3];

	for (unsigned int i = 0; i < ARRAY_SIZE(d); i++)
		KASSERT_EQ(mem_domain_init(&d[i]), 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(d); i++) {
		KEXPECT_NE(d[i].pt.asid, 0u);
		KEXPECT_EQ(d[i].pt.asid % 2, 0u);
		for (unsigned int j = 0; j < i; j++) {
			KEXPECT_NE(d[i].pt.asid, d[j].pt.asid);
			KEXPECT_NE(d[i].pt.asid, d[j].pt.asid + 1);
			KEXPECT_NE(d[i].pt.asid + 1, d[j].pt.asid);
		}
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(d); i++)
		mem_domain_destroy(&d[i]);
}

/* What the probe saw of entries from EL0. */
static struct {
	unsigned long entries, irqs, off_view;
	unsigned long aborts, fsc, far;
} seen;

static void note_entry(struct trap_frame *tf, struct cpu *cpu)
{
	struct mem_domain *d = cpu->current->domain;
	uint64_t kernel_view;

	if (!arch_frame_from_user(tf) || !d)
		return;
	/* The entry's exclusive ors made this of the trampoline view with the odd id. */
	kernel_view = virt_to_phys(kpti_kernel_root()) | (uint64_t)d->pt.asid
								 << KPTI_TTBR_ASID_SHIFT;
	seen.entries++;
	seen.irqs += tf->kind == TRAP_EL0_64_IRQ;
	seen.off_view += read_sysreg(ttbr1_el1) != kernel_view;
	if (tf->kind == TRAP_EL0_64_SYNC && ESR_EC(tf->esr) == ESR_EC_DABT_LOW) {
		seen.aborts++;
		seen.fsc = ESR_ABT_FSC(tf->esr);
		seen.far = tf->far;
	}
}

static long run_probed(const char *name, unsigned long arg)
{
	long status, pid;

	trap_probe = note_entry;
	pid = process_spawn(name, arg);
	if (pid > 0 && process_wait(pid, &status) != pid)
		status = -1000;
	trap_probe = NULL;
	return pid > 0 ? status : pid;
}

/*
 * Every entry from EL0 (system calls, interrupts taken in user mode) finds
 * the kernel's view with the domain's kernel id: user mode ran on the
 * trampoline view, with its user id.
 */
KTEST(kpti_user_mode_runs_on_the_trampoline_view)
{
	seen = (typeof(seen)){0};
	KEXPECT_EQ(run_probed("spin", 50000000), 0);
	KEXPECT_GE(seen.entries, 3ul);
	KEXPECT_GE(seen.irqs, 1ul);
	KEXPECT_EQ(seen.off_view, 0ul);
}

/* A user read of va: the process dies of a data abort at va; its fault status code. */
static unsigned long user_read_fsc(struct ktest *kt, uintptr_t va)
{
	seen = (typeof(seen)){0};
	KEXPECT_EQ(run_probed("domain", DOMAIN_ARG(DOMAIN_READ, va, 0)), KILN_STATUS_FAULT);
	KEXPECT_EQ(seen.aborts, 1ul);
	KEXPECT_EQ(seen.far, va);
	KEXPECT_EQ(seen.off_view, 0ul);
	return seen.fsc;
}

/*
 * From user mode, kernel memory is not even mapped: a read is a translation
 * fault (on the kernel's view, a permission fault), but for the entry text
 * page, which the trampoline view maps for EL1 only.
 */
KTEST(kpti_user_reads_of_kernel_memory_find_nothing_mapped)
{
	paddr_t heap = page_alloc();
	uintptr_t pages[16];
	unsigned int n;

	KASSERT_NE(heap, 0);
	n = kernel_pages(pages, heap);
	for (unsigned int i = 0; i < n; i++) {
		unsigned long fsc = user_read_fsc(kt, pages[i]);

		KEXPECT_GE(fsc, (unsigned long)FSC_TRANSLATION_L(0));
		KEXPECT_LE(fsc, (unsigned long)FSC_TRANSLATION_L(3));
	}
	KEXPECT_EQ(user_read_fsc(kt, (uintptr_t)_entry_text_start),
		   (unsigned long)FSC_PERMISSION_L(3));
	page_free(heap);
}
