/*
 * Integer limits from the compiler's predefined macros. GCC's <limits.h>
 * pulls in the target libc's when one is installed (Debian's cross compilers
 * find the host's /usr/include/limits.h and then miss the arm64 libc
 * headers), so a freestanding kernel does not include it.
 */
#ifndef KILN_LIMITS_H
#define KILN_LIMITS_H

#define SHRT_MAX   __SHRT_MAX__
#define SHRT_MIN   (-SHRT_MAX - 1)
#define INT_MAX	   __INT_MAX__
#define INT_MIN	   (-INT_MAX - 1)
#define UINT_MAX   (INT_MAX * 2U + 1U)
#define LONG_MAX   __LONG_MAX__
#define LONG_MIN   (-LONG_MAX - 1L)
#define ULONG_MAX  (LONG_MAX * 2UL + 1UL)
#define LLONG_MAX  __LONG_LONG_MAX__
#define LLONG_MIN  (-LLONG_MAX - 1LL)
#define ULLONG_MAX (LLONG_MAX * 2ULL + 1ULL)

#endif
