/* For tests that need user memory mapped while a kernel thread runs. */
#ifndef TESTS_KERNEL_DOMAIN_UTIL_H
#define TESTS_KERNEL_DOMAIN_UTIL_H

#include <kiln/domain.h>
#include <kiln/process.h>
#include <kiln/thread.h>

/* A domain with one partition, that the calling kernel thread is in. */
struct test_domain {
	struct mem_domain d;
	struct mem_partition part, stack;
};

static inline void test_domain_free(struct test_domain *t)
{
	mem_domain_destroy(&t->d);
	if (t->stack.pa)
		mem_partition_free(&t->stack);
	if (t->part.pa)
		mem_partition_free(&t->part);
}

/*
 * Put the caller in a fresh domain holding one zeroed page at va with prot,
 * with a one-page stack at stack_va; false: no memory.
 */
static inline bool test_domain_enter_at(struct test_domain *t, uintptr_t va, unsigned int prot,
					uintptr_t stack_va)
{
	*t = (struct test_domain){.part.pa = 0};
	if (mem_domain_init(&t->d))
		return false;
	if (!mem_partition_alloc(&t->part, va, PAGE_SIZE, prot) &&
	    !mem_partition_alloc(&t->stack, stack_va, PAGE_SIZE, PROT_READ | PROT_WRITE) &&
	    !mem_domain_add_partition(&t->d, &t->part) &&
	    !mem_domain_add_thread(&t->d, thread_current(), &t->stack))
		return true;
	test_domain_free(t);
	return false;
}

static inline bool test_domain_enter(struct test_domain *t, uintptr_t va, unsigned int prot)
{
	return test_domain_enter_at(t, va, prot, USER_STACK_TOP - PAGE_SIZE);
}

static inline void test_domain_leave(struct test_domain *t)
{
	mem_domain_remove_thread(thread_current());
	test_domain_free(t);
}

#endif
