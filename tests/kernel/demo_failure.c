/* CONFIG_KTEST_DEMO_FAILURE: a test that must fail, proving failures reach the verdict. */
#include <kiln/ktest.h>

KTEST(demo_failure_wrong_sum)
{
	KEXPECT_EQ(2 + 2, 5);
}
