/*
 * The OSv scenario: a thread holds values in callee-saved registers across a
 * yield while another thread clobbers them. Built twice, at -O0 and -O2
 * (Kbuild: test_ctx_abi.c:O0 / :O2), so a switch whose correctness depends
 * on how the compiler treats its callers fails at one level or the other.
 */
#include <generated/autoconf.h>
#include <kiln/ktest.h>
#include <kiln/thread.h>
#include "ctx_abi.h"

#define NAME2(a, b) a##_##b
#define NAME(a, b)  NAME2(a, b)
#define ROUNDS	    100

static void clobber_thread(void *arg)
{
	for (int i = 0; i < ROUNDS; i++)
		ctx_abi_clobber_and_yield((void (*)(void))arg);
}

KTEST(NAME(ctx_callee_saved_survive_yield, CTX_ABI_OPT))
{
	struct thread *t = thread_create("clobber", clobber_thread, (void *)thread_yield,
					 thread_current()->priority);
	unsigned long lost = 0;

	KASSERT_TRUE(t != NULL);
	for (int i = 0; i < ROUNDS; i++)
		lost |= ctx_abi_fill_and_yield(thread_yield);
	KEXPECT_EQ(lost, 0);
	KEXPECT_EQ(thread_join(t), 0);
}

#ifdef CONFIG_CTXSWITCH_FULL_FRAME
static void fp_clobber_thread(void *arg)
{
	for (int i = 0; i < ROUNDS; i++)
		ctx_fp_clobber_and_yield((void (*)(void))arg);
}

KTEST(NAME(ctx_full_frame_keeps_fp_registers, CTX_ABI_OPT))
{
	struct thread *t = thread_create("fp-clobber", fp_clobber_thread, (void *)thread_yield,
					 thread_current()->priority);
	unsigned long lost = 0;

	KASSERT_TRUE(t != NULL);
	for (int i = 0; i < ROUNDS; i++)
		lost |= ctx_fp_fill_and_yield(thread_yield);
	KEXPECT_EQ(lost, 0);
	KEXPECT_EQ(thread_join(t), 0);
}
#endif
