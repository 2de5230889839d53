/* Sleeps arg ns and checks the clock moved at least that much. Exit status = failures. */
#include "check.h"

int main(unsigned long arg)
{
	long t0 = sys_clock_ns();

	CHECK_EQ(sys_sleep_ns(arg), 0);
	CHECK_EQ(sys_clock_ns() - t0 >= (long)arg, 1);
	return check_failures;
}
