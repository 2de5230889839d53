/* Register-level helpers for the context-switch tests, in tests/kernel/<arch>/ctx_abi.S. */
#ifndef TESTS_CTX_ABI_H
#define TESTS_CTX_ABI_H

/*
 * Fill every callee-saved register (frame pointer and FP control included),
 * call fn, and return a bitmask of the ones that changed, checked at the first
 * instruction after fn returns.
 */
unsigned long ctx_abi_fill_and_call(void (*fn)(void));
/* Overwrite the same registers with other values, then call fn. */
void ctx_abi_clobber_and_call(void (*fn)(void));
/* The same for every FP/SIMD data register: only a full-frame switch keeps them. */
unsigned long ctx_fp_fill_and_call(void (*fn)(void));
void ctx_fp_clobber_and_call(void (*fn)(void));
/*
 * With interrupts disabled: sched_pick(), then straight into ctx_switch() as a
 * tail call, so ctx_switch() returns directly to whoever called this.
 */
void ctx_abi_switch(void);

/*
 * Preemption with every register in use: fill every general-purpose and
 * FP/SIMD register and the FP control/status registers, wait on
 * ctx_probe_flag without a call (only preemption lets another thread run),
 * then check them all. Returns a bitmask of the general-purpose registers
 * that changed; *fp_lost gets the FP/SIMD ones (see ctx_abi.S for the bits).
 * check_regs waits until the flag is set; clobber_regs sets it and waits
 * until it is cleared again.
 */
extern volatile unsigned long ctx_probe_flag;
unsigned long ctx_preempt_check_regs(unsigned long *fp_lost);
unsigned long ctx_preempt_clobber_regs(unsigned long *fp_lost);

/* Count in caller-saved registers only; returns a bitmask of the ones that went wrong. */
unsigned long preempt_regs_loop(unsigned long iterations, volatile unsigned long *progress);

#endif
