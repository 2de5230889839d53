/* A check in a test program: on failure, say which and count it. */
#ifndef TESTS_USER_CHECK_H
#define TESTS_USER_CHECK_H

#include <kiln/user.h>

static int check_failures;

#define CHECK_EQ(got, want)                                                                      \
	do {                                                                                     \
		long g_ = (long)(got), w_ = (long)(want);                                        \
		if (g_ != w_) {                                                                  \
			printf("FAIL %s:%d: %s = %ld, want %ld\n", __FILE__, __LINE__, #got, g_, \
			       w_);                                                              \
			check_failures++;                                                        \
		}                                                                                \
	} while (0)

#endif
