/*
 * arg writes of KILN_WRITE_MAX bytes each (KTAP comment lines, so the test
 * log stays readable), each checked for its count. Exit status = failures.
 */
#include "check.h"

#define LINE 64

static char buf[KILN_WRITE_MAX];

int main(unsigned long arg)
{
	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = i % LINE == 0 ? '#' : i % LINE == LINE - 1 ? '\n' : i % LINE == 1 ? ' ' : 'w';
	for (unsigned long n = 0; n < arg; n++)
		CHECK_EQ(sys_write(1, buf, sizeof(buf)), sizeof(buf));
	return check_failures;
}
