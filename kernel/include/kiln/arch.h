/*
 * The arch interface: all that the generic kernel (kernel/, arch-neutral
 * components and tests) uses of the CPU architecture, and the arch hooks
 * that boot and generated entry code call, each with its contract. Generic
 * code includes this header, never <arch/...>.
 *
 * An arch implements the plain functions in its C files, and the static
 * inline functions, constants and types named here in <arch/arch_inline.h>,
 * included at the end: the prototypes below make the compiler hold its
 * definitions to them.
 */
#ifndef KILN_ARCH_H
#define KILN_ARCH_H

#include <kiln/compiler.h>
#include <kiln/pgtable.h>
#include <kiln/types.h>

struct cpu;
struct trap_frame;
struct trap_record;

/* Boot */

/*
 * The arch's C entry, called once by its boot assembly on the boot stack,
 * boot page tables live, interrupts disabled: exception entry, console and
 * the boot CPU's struct cpu (percpu_install()), then
 * kernel_main(platform_boot_info(boot_param)).
 */
__noreturn void arch_start(paddr_t boot_param);
/*
 * The boot stack, which becomes the main thread's: KSTACK_SIZE bytes at a
 * KSTACK_SLOT-aligned address (kiln/kstack.h) ending at boot_stack_top, with
 * the guard page [boot_stack_guard, +PAGE_SIZE) below, left unmapped by mm_init().
 */
extern char boot_stack_guard[], boot_stack_top[];
/* arch_cycles() at the kernel's first instruction, stored by the boot assembly. */
extern uint64_t boot_tsc;
/*
 * A secondary CPU's C entry (kiln/smp.h), reached through
 * platform_cpu_start() on the stack it was given, interrupts disabled: the
 * CPU's own descriptor tables or vector base, the kernel page tables,
 * percpu_install(cpu), platform_cpu_init(), then smp_secondary_main(cpu).
 */
__noreturn void arch_secondary_start(struct cpu *cpu);
/* Entropy for the stack canary: the CPU's random-number instruction where it has one. */
uint64_t arch_random_seed(void);

/* Interrupts, on this CPU; each of these is also a compiler barrier. */

static inline void arch_irq_disable(void);
static inline void arch_irq_enable(void);
static inline bool arch_irq_enabled(void);
/*
 * Called with interrupts disabled: sleep until an interrupt is pending, take
 * it, return with interrupts disabled. No wake-up is lost between the
 * caller's last look at its state and the sleep.
 */
static inline void arch_idle(void);
/* Stop until an interrupt; with interrupts disabled, for good (the exit path). */
static inline void arch_wait_for_irq(void);
/* Inside a busy-wait loop. */
static inline void arch_cpu_relax(void);

/* Time */

/* The free-running cycle counter (TSC / CNTVCT_EL0); platform_cycles_per_sec() is its rate. */
static inline uint64_t arch_cycles(void);
/* Guest instructions a cycle-counter delta stands for under QEMU -icount shift=0. */
static inline uint64_t arch_cycles_to_icount_insn(uint64_t cycles);

/* Threads */

/* The thread-local storage register (FS_BASE / TPIDR_EL0), loaded by ctx_switch(). */
static inline void arch_set_tls(uintptr_t tls);
static inline uintptr_t arch_get_tls(void);

/* Per-CPU data (kiln/cpu.h) */

/*
 * struct arch_cpu: the arch's part of struct cpu, cpu->arch.
 * This CPU's hardware id (local APIC ID / MPIDR_EL1 affinity), below
 * ARCH_MAX_HWID. Only the percpu lookup uses it: per-CPU arrays are indexed
 * by cpu->index.
 */
static inline unsigned int arch_cpu_hwid(void);

/* Memory */

/*
 * PAGE_SHIFT, PAGE_SIZE. BOOT_MAP_SIZE: the physical memory the boot page
 * tables map (early MMIO windows lie below it). KSTACK_AREA_BASE,
 * KSTACK_AREA_SLOTS: the virtual area of thread stacks (kernel/kstack.c).
 */
/* The direct/linear map of RAM; virt_to_phys() also takes kernel-image addresses. */
static inline void *phys_to_virt(paddr_t pa);
static inline paddr_t virt_to_phys(const void *va);
/* Switch to the kernel page tables at root; the boot identity map goes, so NULL faults. */
void arch_mmu_activate(pte_t *root);
/* Flush this CPU's TLB after page-table changes. */
void arch_tlb_flush_all(void);
/* Flush this CPU's TLB entries for the page at va, whatever address space they belong to. */
void arch_tlb_flush_page(uintptr_t va);
/*
 * The page-table entry format, for kernel/pgtable.c (levels as there: 0
 * maps 4 KiB, 1 maps 2 MiB): is e valid; is it a table rather than a leaf
 * at level; the address it holds; an intermediate entry (allows all that
 * its leaves allow); a leaf with prot (PROT_*).
 */
static inline bool pte_valid(pte_t e);
static inline bool pte_is_table(pte_t e, int level);
static inline paddr_t pte_addr(pte_t e);
static inline pte_t pte_table(paddr_t pa);
static inline pte_t pte_leaf(paddr_t pa, int level, unsigned int prot);

/* User mode */

/*
 * USER_VA_START, USER_VA_END: the user half, [start, end), that a process
 * may map; both page-aligned, below every kernel address. PROT_USER (kiln/
 * pgtable.h) makes pte_leaf() build a user page; user pages are never
 * executable by the kernel. ELF_MACHINE: the e_machine of this arch's
 * executables.
 */
/*
 * Prepare root, a fresh zeroed page-table root, to serve a process: the
 * kernel half must be reachable through it while it is live (x86_64: the
 * kernel's top-level entries are copied; arm64: nothing, TTBR1 holds the
 * kernel).
 */
void arch_uspace_init(pte_t *root);
/*
 * ARCH_ASIDS: how many address-space ids the TLB tags user entries with
 * (arm64 ASIDs; 1 on x86_64 without PCID): an id other than 0 names one
 * user space for as long as it lives, so switching to it flushes nothing;
 * id 0 is shared by all others, each flushed in when switched to.
 * Make root, with id asid, this CPU's user translation (CR3 / TTBR0_EL1),
 * flushing what must be.
 */
void arch_uspace_activate(pte_t *root, unsigned int asid);
/* Drop every CPU's TLB entries tagged asid (nonzero), before the id names another space. */
void arch_asid_flush(unsigned int asid);
/* The physical address of this CPU's user translation root (CR3 / TTBR0_EL1). */
paddr_t arch_uspace_root(void);
/*
 * Leave the kernel for user mode at pc with stack pointer sp and arg in the
 * first argument register, every other register zero, interrupts enabled.
 * The calling thread's kernel stack is abandoned: later entries from user
 * mode start on the stack the stackswitch policy names.
 */
__noreturn void arch_enter_user(uintptr_t pc, uintptr_t sp, uintptr_t arg);
/*
 * If the exception in tf, from user mode, is a breakpoint instruction, move
 * the saved pc past it and return true.
 */
bool arch_user_breakpoint_skip(struct trap_frame *tf);
/* Whether the frame was saved on an entry from user mode. */
static inline bool arch_frame_from_user(const struct trap_frame *tf);
/* Whether the frame was saved for an interrupt (not an exception or a system call). */
static inline bool arch_frame_is_irq(const struct trap_frame *tf);
/*
 * Bracket every kernel access to user memory (SMAP: stac/clac; PAN: clear
 * and set PSTATE.PAN); without them such an access faults where the CPU
 * enforces the separation.
 */
static inline void arch_user_access_begin(void);
static inline void arch_user_access_end(void);
/* The system call a frame saved at a syscall entry asks for, and its result. */
static inline unsigned long arch_syscall_nr(const struct trap_frame *tf);
static inline unsigned long arch_syscall_arg(const struct trap_frame *tf, unsigned int i);
static inline void arch_syscall_set_result(struct trap_frame *tf, long result);
static inline long arch_syscall_result(const struct trap_frame *tf);
/*
 * Point the frame's pc back at the system call instruction (restart: the
 * call runs again on return to user mode), or past it once more (!restart).
 */
static inline void arch_syscall_restart(struct trap_frame *tf, bool restart);
/* Traps */

/*
 * Called by the generated entry code for every exception and interrupt,
 * interrupts disabled, with the frame it saved and this CPU's struct cpu:
 * tell an exception from an interrupt and pass it to the generic flow
 * (kiln/trap.h). The frame, maybe changed (a fixup), is resumed on return.
 * Returns true when the entry code must call trap_preempt() (an interrupt
 * the tick wants to end in a switch).
 */
bool trap_dispatch(struct trap_frame *tf, struct cpu *cpu);
/* What the exception in tf is: vector or class, error, pc, fault address and kind. */
void arch_trap_decode(struct trap_record *r, const struct trap_frame *tf, const struct cpu *cpu);
/* The registers of tf, for a fatal exception's report. */
void arch_trap_dump(const struct trap_frame *tf, const struct cpu *cpu);
/* The name of the exception r records ("#PF Page Fault", "Data abort"). */
const char *arch_trap_name(const struct trap_record *r);
/*
 * PROBE_READ8, PROBE_READ64, PROBE_WRITE8, PROBE_FAILED, PROBE_BRANCH:
 * instruction templates for kernel/probe.c and kernel/uaccess.c (named asm
 * operands addr, val, ok).
 */

#include <arch/arch_inline.h>

#if !defined(PAGE_SHIFT) || !defined(PAGE_SIZE) || !defined(BOOT_MAP_SIZE) || \
	!defined(KSTACK_AREA_BASE) || !defined(KSTACK_AREA_SLOTS) || !defined(ARCH_MAX_HWID)
#error "<arch/arch_inline.h> lacks a constant that kiln/arch.h names"
#endif
#if !defined(USER_VA_START) || !defined(USER_VA_END) || !defined(ELF_MACHINE) || \
	!defined(ARCH_ASIDS)
#error "<arch/arch_inline.h> lacks the user address range"
#endif
#if !defined(PROBE_READ8) || !defined(PROBE_READ64) || !defined(PROBE_WRITE8) || \
	!defined(PROBE_FAILED) || !defined(PROBE_BRANCH)
#error "<arch/arch_inline.h> lacks a probe instruction template"
#endif

#endif
