/*
 * arg writes of KILN_WRITE_MAX bytes each (KTAP comment lines, so the test
 * log stays readable), each checked for its count. Exit status = failures.
 */
#include "check.h"

#define LINE 64

static char buf[KILN_WRITE_MAX];

int main(unsigned long arg)
{
	for (char *line = buf; line < buf + sizeof(buf); line += LINE) {
		memset(line, 'w', LINE);
		line[0] = '#';
		line[1] = ' ';
		line[LINE - 1] = '\n';
	}
	for (unsigned long n = 0; n < arg; n++)
		CHECK_EQ(sys_write(1, buf, sizeof(buf)), sizeof(buf));
	return check_failures;
}
