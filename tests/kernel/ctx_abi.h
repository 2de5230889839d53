/* Register-level helpers for the context-switch tests, in tests/kernel/<arch>/ctx_abi.S. */
#ifndef TESTS_CTX_ABI_H
#define TESTS_CTX_ABI_H

/* Fill every callee-saved register (and FP control), yield, return a bitmask of losses. */
unsigned long ctx_abi_fill_and_yield(void (*yield)(void));
/* Overwrite the same registers with other values, then yield. */
void ctx_abi_clobber_and_yield(void (*yield)(void));
/* The same for every FP/SIMD data register: only a full-frame switch keeps them. */
unsigned long ctx_fp_fill_and_yield(void (*yield)(void));
void ctx_fp_clobber_and_yield(void (*yield)(void));
/* Count in caller-saved registers only; returns a bitmask of the ones that went wrong. */
unsigned long preempt_regs_loop(unsigned long iterations, volatile unsigned long *progress);

#endif
