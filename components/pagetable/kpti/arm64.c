/*
 * pagetable/kpti, arm64. TTBR1_EL1 holds one of two views of the kernel
 * half: the kernel's, a copy of the kernel root (its top-level entries, all
 * made at boot, over the tables they share), and the trampoline view, which
 * maps only the entry text (the vectors and ret_to_user's last steps) at
 * the same address, so that VBAR_EL1 stays. User mode runs on the
 * trampoline view; entry code switches views by register arithmetic alone
 * (arm64.S.j2): the two roots are the pages of one pair, and each domain's
 * address-space ids a pair too (TCR_EL1.A1: TTBR1_EL1 holds the id), the
 * kernel view's even (pt->asid), the user view's odd. Kernel pages are not
 * global (PT_KERNEL_PROT): what the TLB holds of the kernel's view is tagged
 * with a kernel view's id and never serves user mode.
 *
 * TTBR0_EL1 holds the domain's root, as under per-domain (roots.c).
 */
#include <kiln/arch.h>
#include <kiln/compiler.h>
#include <kiln/cpu.h>
#include <kiln/mm.h>
#include <kiln/panic.h>
#include <kiln/string.h>
#include <arch/sysreg.h>
#include <pagetable/kpti-arm64.h>
#include "../roots.h"

#define TCR_A1 (1ull << 22)

extern char _entry_text_start[], _entry_text_end[];

/* The trampoline view's root, then the kernel's: KPTI_ROOT_TOGGLE apart, toggled by a bit. */
static struct {
	pte_t tramp[PAGE_SIZE / sizeof(pte_t)], kernel[PAGE_SIZE / sizeof(pte_t)];
} views __aligned(2 * KPTI_ROOT_TOGGLE);
_Static_assert(__builtin_offsetof(typeof(views), kernel) == KPTI_ROOT_TOGGLE, "kpti-arm64.h");

/* What TTBR0_EL1 holds while no domain is, and while the id changes. */
static pte_t no_user[PAGE_SIZE / sizeof(pte_t)] __aligned(PAGE_SIZE);

static void build_views(void)
{
	memcpy(views.kernel, kernel_pgtable, sizeof(views.kernel));
	for (char *p = _entry_text_start; p < _entry_text_end; p += PAGE_SIZE)
		if (!pgtable_map_page(views.tramp, (uintptr_t)p, virt_to_phys(p),
				      PROT_READ | PROT_EXEC))
			panic("pagetable/kpti: no memory for the trampoline view");
}

/* TLBI ASIDE1 of one id, this CPU only. */
static void flush_asid(unsigned int asid)
{
	asm volatile("tlbi aside1, %0" : : "r"((uint64_t)asid << KPTI_TTBR_ASID_SHIFT) : "memory");
}

/*
 * The boot CPU builds the views before any other runs. Each CPU then runs
 * the kernel's view, with id 0 in both TTBRs while TCR_EL1.A1 moves the id
 * to TTBR1_EL1, and drops every entry tagged under the old rule.
 */
void pt_cpu_init(struct cpu *cpu)
{
	if (!cpu->index)
		build_views();
	write_sysreg(ttbr1_el1, virt_to_phys(views.kernel));
	isb();
	write_sysreg(tcr_el1, read_sysreg(tcr_el1) | TCR_A1);
	isb();
	arch_tlb_flush_all();
}

/*
 * TTBR0_EL1 holds the empty root while the id changes: no walk in between
 * tags one domain's entries with the other's id. The shared ids (0 and 1)
 * may hold another domain's entries: flushed here, on this CPU.
 */
void pt_root_load(struct pt_domain *pt)
{
	unsigned int asid = pt ? pt->asid : 0;

	write_sysreg(ttbr0_el1, virt_to_phys(no_user));
	write_sysreg(ttbr1_el1,
		     virt_to_phys(views.kernel) | (uint64_t)asid << KPTI_TTBR_ASID_SHIFT);
	write_sysreg(ttbr0_el1, virt_to_phys(pt ? pt->root : no_user));
	isb();
	if (asid)
		return;
	flush_asid(0);
	flush_asid(1);
	asm volatile("dsb nsh\n\tisb" : : : "memory");
}

bool pt_root_loaded(const struct pt_domain *pt)
{
	return arch_uspace_root() == virt_to_phys(pt->root);
}

/* A CPU walks the domain's own root: what is mapped there is seen. */
void pt_root_mapped(struct pt_domain *pt, uintptr_t start, uintptr_t end)
{
	(void)pt;
	(void)start;
	(void)end;
}

/* Nothing per thread: an entry from EL0 runs on SP_EL1 as the stackswitch policy left it. */
void pt_root_thread_in(struct thread *next)
{
	(void)next;
}

pte_t *kpti_tramp_root(void)
{
	return views.tramp;
}

pte_t *kpti_kernel_root(void)
{
	return views.kernel;
}
