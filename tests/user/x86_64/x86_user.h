/*
 * What tests/kernel/x86_64/test_user.c and the x86_64 test programs agree
 * on: the modes of x86_regs and x86_fault (their argument), plain C for
 * both sides.
 */
#ifndef TESTS_USER_X86_USER_H
#define TESTS_USER_X86_USER_H

/* x86_regs: mode in the low byte of arg, a seed above it. */
enum x86_regs_mode {
	X86_REGS_SYSCALLS = 1, /* GPRs, flags, rcx, r11, rax across 10,000 system calls */
	X86_REGS_SPIN,	       /* GPRs and flags across interrupts and preemption */
	X86_REGS_REDZONE,      /* the 128 bytes below rsp across system calls and interrupts */
	X86_REGS_TINY_STACK,   /* 10,000 system calls on a 256-byte stack */
	X86_REGS_XMM_YIELD,    /* xmm0-15, MXCSR, x87 CW across yields to another process */
	X86_REGS_ENTRY,	       /* the registers at the first user instruction */
};
#define X86_REGS_ARG(mode, seed) ((mode) | (unsigned long)(seed) << 8)
#define X86_REGS_MODE(arg)	 ((arg)&0xff)
#define X86_REGS_SEED(arg)	 ((arg) >> 8)

/* x86_fault: the exception each mode raises (its vector). */
enum x86_fault_mode {
	X86_FAULT_DIVIDE = 1,	/* #DE: divide by zero */
	X86_FAULT_UD2,		/* #UD */
	X86_FAULT_HLT,		/* #GP: a privileged instruction */
	X86_FAULT_NONCANONICAL, /* #GP: a non-canonical address */
	X86_FAULT_INT_NMI,	/* #GP: int $2, a gate user mode may not use */
	X86_FAULT_INT_IRQ,	/* #GP: int $32, an IRQ vector */
	X86_FAULT_ALIGNMENT,	/* #AC: RFLAGS.AC set, a misaligned load */
	X86_FAULT_BREAKPOINT,	/* #BP: int3 */
	X86_FAULT_TF_SYSCALL,	/* #DB: the trap flag set, then SYSCALL */
	X86_FAULT_KERNEL_WRITE, /* #PF: a write to the kernel half */
	X86_FAULT_MODES,
};

/* Where every process's stack starts (kiln/process.h: USER_STACK_TOP). */
#define X86_USER_STACK_TOP 0x00007fffffffe000ul

/* x86_nmi_window: where the kernel test maps the local APIC's 2 MiB page for it. */
#define X86_USER_LAPIC_VA 0x40000000ul

/*
 * x86_bases: mode in the low byte of arg. HOLD (a seed above it): set its own FS and GS
 * bases with wrfsbase/wrgsbase (#UD without CR4.FSGSBASE) and check them across system
 * calls, yields, interrupts and preemption. NMI (X86_USER_LAPIC_VA above it): a self-NMI
 * in user mode with the GS base the kernel gave it, then, where CPUID has FSGSBASE,
 * check that base is still its own. Either returns how many checks failed.
 */
enum x86_bases_mode {
	X86_BASES_HOLD = 1,
	X86_BASES_NMI,
};
/*
 * x86_kpti: arg rounds, each a self-NMI, a system call and a yield, each
 * followed by an access to the probe page, a partition alone in its
 * top-level page-table slot (the local APIC at X86_USER_LAPIC_VA, as for
 * x86_nmi_window); then it sets `done` and counts in `count` until `stop`.
 */
#define X86_KPTI_PROBE_VA 0x0000400000000000ul
struct x86_kpti_probe {
	unsigned long count, done, stop;
};

#define X86_BASES_FS(seed) (0x0000100000000000ul + ((unsigned long)(seed) << 12))
#define X86_BASES_GS(seed) (0x0000200000000000ul + ((unsigned long)(seed) << 12))

#endif
