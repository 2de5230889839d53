/*
 * In-kernel tests, reported as KTAP version 1.
 *
 *	KTEST(page_alloc_basic)
 *	{
 *		KEXPECT_EQ(page_alloc_free_count(), 3);
 *	}
 *
 * KEXPECT_* record a failure and let the test go on; KASSERT_* record it and return from
 * the test. Comparisons cast both sides to unsigned long long, so they work for integers
 * and pointers alike but -1 > 0.
 */
#ifndef KILN_KTEST_H
#define KILN_KTEST_H

#include <kiln/compiler.h>
#include <kiln/types.h>

struct ktest;

struct ktest_case {
	const char *name;
	void (*fn)(struct ktest *kt);
	const char *file;
};

/* State of the running test, passed to its body as kt. */
struct ktest {
	const struct ktest_case *tc;
	bool failed;
	unsigned int checks;
};

/*
 * Each case is placed in .ktest_cases, which the linker script brackets with
 * __ktest_cases_start and __ktest_cases_end. The explicit alignment stops the compiler from
 * over-aligning the descriptors, so the section is a plain array; no_reorder keeps the
 * cases in source order (at -O2 GCC would emit them reversed).
 */
#define KTEST_CASE_ATTRS __used __no_reorder __aligned(8) __section(".ktest_cases")

/* Two levels, so a name built by a macro (NAME(x, O2)) expands before pasting. */
#define KTEST(tname) KTEST_(tname)
#define KTEST_(tname)                                                          \
	static void tname##_ktest(struct ktest *kt __maybe_unused);            \
	static const struct ktest_case tname##_ktest_case KTEST_CASE_ATTRS = { \
		.name = #tname,                                                \
		.fn = tname##_ktest,                                           \
		.file = __FILE__,                                              \
	};                                                                     \
	static void tname##_ktest(struct ktest *kt __maybe_unused)

/*
 * Runs the cases filter selects (see kiln/filter.h); returns the number that failed, or -1
 * without running any when a pattern of filter selects no case.
 */
int ktest_run_all(const char *filter);

enum ktest_op { KTEST_EQ, KTEST_NE, KTEST_LT, KTEST_LE, KTEST_GT, KTEST_GE };

/*
 * Assertion back ends: each counts a check, reports a failure as a KTAP diagnostic and
 * returns whether the check held. The macros stringify their arguments before expanding
 * them, so reports show the source text.
 */
bool ktest_check_cmp(struct ktest *kt, const char *file, int line, const char *macro,
		     enum ktest_op op, const char *a_text, unsigned long long a, const char *b_text,
		     unsigned long long b);
bool ktest_check_true(struct ktest *kt, const char *file, int line, const char *macro,
		      const char *text, bool ok);
bool ktest_check_streq(struct ktest *kt, const char *file, int line, const char *macro,
		       const char *a_text, const char *a, const char *b_text, const char *b);

#define KTEST_CMP_(macro, op, a_text, a, b_text, b)                                         \
	ktest_check_cmp(kt, __FILE__, __LINE__, macro, op, a_text, (unsigned long long)(a), \
			b_text, (unsigned long long)(b))
#define KTEST_TRUE_(macro, text, ok) ktest_check_true(kt, __FILE__, __LINE__, macro, text, ok)
#define KTEST_STREQ_(macro, a_text, a, b_text, b) \
	ktest_check_streq(kt, __FILE__, __LINE__, macro, a_text, a, b_text, b)

#define KEXPECT_EQ(a, b)    ((void)KTEST_CMP_("KEXPECT_EQ", KTEST_EQ, #a, a, #b, b))
#define KEXPECT_NE(a, b)    ((void)KTEST_CMP_("KEXPECT_NE", KTEST_NE, #a, a, #b, b))
#define KEXPECT_LT(a, b)    ((void)KTEST_CMP_("KEXPECT_LT", KTEST_LT, #a, a, #b, b))
#define KEXPECT_LE(a, b)    ((void)KTEST_CMP_("KEXPECT_LE", KTEST_LE, #a, a, #b, b))
#define KEXPECT_GT(a, b)    ((void)KTEST_CMP_("KEXPECT_GT", KTEST_GT, #a, a, #b, b))
#define KEXPECT_GE(a, b)    ((void)KTEST_CMP_("KEXPECT_GE", KTEST_GE, #a, a, #b, b))
#define KEXPECT_TRUE(c)	    ((void)KTEST_TRUE_("KEXPECT_TRUE", #c, (c)))
#define KEXPECT_FALSE(c)    ((void)KTEST_TRUE_("KEXPECT_FALSE", #c, !(c)))
#define KEXPECT_STREQ(a, b) ((void)KTEST_STREQ_("KEXPECT_STREQ", #a, a, #b, b))

#define KASSERT_(check)         \
	do {                    \
		if (!(check))   \
			return; \
	} while (0)

#define KASSERT_EQ(a, b)    KASSERT_(KTEST_CMP_("KASSERT_EQ", KTEST_EQ, #a, a, #b, b))
#define KASSERT_NE(a, b)    KASSERT_(KTEST_CMP_("KASSERT_NE", KTEST_NE, #a, a, #b, b))
#define KASSERT_LT(a, b)    KASSERT_(KTEST_CMP_("KASSERT_LT", KTEST_LT, #a, a, #b, b))
#define KASSERT_LE(a, b)    KASSERT_(KTEST_CMP_("KASSERT_LE", KTEST_LE, #a, a, #b, b))
#define KASSERT_GT(a, b)    KASSERT_(KTEST_CMP_("KASSERT_GT", KTEST_GT, #a, a, #b, b))
#define KASSERT_GE(a, b)    KASSERT_(KTEST_CMP_("KASSERT_GE", KTEST_GE, #a, a, #b, b))
#define KASSERT_TRUE(c)	    KASSERT_(KTEST_TRUE_("KASSERT_TRUE", #c, (c)))
#define KASSERT_FALSE(c)    KASSERT_(KTEST_TRUE_("KASSERT_FALSE", #c, !(c)))
#define KASSERT_STREQ(a, b) KASSERT_(KTEST_STREQ_("KASSERT_STREQ", #a, a, #b, b))

#endif
