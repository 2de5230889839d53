/* In-kernel test runner with KTAP version 1 output. */
#include <kiln/filter.h>
#include <kiln/ktest.h>
#include <kiln/thread.h>
#include <kiln/printk.h>
#include <kiln/string.h>

/* Bracket KEEP(*(.ktest_cases)) in the linker script. */
extern const struct ktest_case __ktest_cases_start[], __ktest_cases_end[];

#define for_each_ktest(tc) \
	for (const struct ktest_case *tc = __ktest_cases_start; tc < __ktest_cases_end; tc++)

/* Build systems pass long paths; the file name is enough to find the check. */
static const char *file_name(const char *path)
{
	const char *name = path;

	for (; *path; path++) {
		if (*path == '/')
			name = path + 1;
	}
	return name;
}

static bool check(struct ktest *kt, bool ok)
{
	kt->checks++;
	if (!ok)
		kt->failed = true;
	return ok;
}

static bool compare(enum ktest_op op, unsigned long long a, unsigned long long b)
{
	switch (op) {
	case KTEST_EQ:
		return a == b;
	case KTEST_NE:
		return a != b;
	case KTEST_LT:
		return a < b;
	case KTEST_LE:
		return a <= b;
	case KTEST_GT:
		return a > b;
	case KTEST_GE:
		return a >= b;
	}
	return false;
}

/*
 * Failure reports are KTAP diagnostics of the running test: '# ' lines at its own level
 * (column 0: there are no subtests) before its result line. KTAP reads indentation as
 * nesting, so an indented line would belong to a subtest that does not exist.
 */
bool ktest_check_cmp(struct ktest *kt, const char *file, int line, const char *macro,
		     enum ktest_op op, const char *a_text, unsigned long long a, const char *b_text,
		     unsigned long long b)
{
	if (check(kt, compare(op, a, b)))
		return true;
	printk("# %s:%d: %s(%s, %s) failed: %s == 0x%llx (%lld), %s == 0x%llx (%lld)\n",
	       file_name(file), line, macro, a_text, b_text, a_text, a, (long long)a, b_text, b,
	       (long long)b);
	return false;
}

bool ktest_check_true(struct ktest *kt, const char *file, int line, const char *macro,
		      const char *text, bool ok)
{
	if (check(kt, ok))
		return true;
	printk("# %s:%d: %s(%s) failed\n", file_name(file), line, macro, text);
	return false;
}

bool ktest_check_streq(struct ktest *kt, const char *file, int line, const char *macro,
		       const char *a_text, const char *a, const char *b_text, const char *b)
{
	bool ok = a && b ? strcmp(a, b) == 0 : a == b;

	if (check(kt, ok))
		return true;
	printk("# %s:%d: %s(%s, %s) failed: %s == \"%s\", %s == \"%s\"\n", file_name(file), line,
	       macro, a_text, b_text, a_text, a, b_text, b);
	return false;
}

int ktest_run_all(const char *filter)
{
	size_t planned = 0, i = 0;
	int passed = 0, failed = 0;

	if (!FILTER_ALL_MATCH("kiln.test", "test", filter, __ktest_cases_start, __ktest_cases_end))
		return -1;
	for_each_ktest (tc) {
		if (filter_matches(filter, tc->name))
			planned++;
	}
	printk("KTAP version 1\n");
	printk("1..%zu\n", planned);

	for_each_ktest (tc) {
		struct ktest kt = {.tc = tc, .failed = false, .checks = 0};

		if (!filter_matches(filter, tc->name))
			continue;
		/*
		 * On the boot CPU and bound there, whatever the test before did: its
		 * threads and processes inherit that, so a test sees one CPU unless it
		 * asks for more.
		 */
		thread_set_affinity(0);
		tc->fn(&kt);
		/* A test that checked nothing probably returned early by mistake. */
		if (kt.checks == 0)
			printk("# %s: %s made no checks\n", file_name(tc->file), tc->name);
		if (kt.failed)
			failed++;
		else
			passed++;
		printk("%s %zu %s\n", kt.failed ? "not ok" : "ok", ++i, tc->name);
	}
	printk("# kiln: %d passed, %d failed\n", passed, failed);
	return failed;
}
