/* Compiler attributes and small helper macros (GCC dialect). */
#ifndef KILN_COMPILER_H
#define KILN_COMPILER_H

#include <stddef.h>

#define __section(s)	    __attribute__((section(s)))
#define __used		    __attribute__((used))
#define __maybe_unused	    __attribute__((unused))
#define __noreturn	    __attribute__((noreturn))
#define __always_inline	    inline __attribute__((always_inline))
#define __noinline	    __attribute__((noinline))
#define __aligned(n)	    __attribute__((aligned(n)))
#define __packed	    __attribute__((packed))
#define __no_reorder	    __attribute__((no_reorder))
#define __printf(fmt, args) __attribute__((format(printf, fmt, args)))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define ARRAY_SIZE(a)			(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

/* a must be a power of two; the mask takes x's type so 64-bit values keep their high bits. */
#define ALIGN_UP(x, a)	   (((x) + ((__typeof__(x))(a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a)   ((x) & ~((__typeof__(x))(a)-1))
#define DIV_ROUND_UP(n, d) (((n) + (d)-1) / (d))

/* Evaluate each argument once. */
#define MIN(a, b)                                  \
	({                                         \
		__typeof__(a) min_a_ = (a);        \
		__typeof__(b) min_b_ = (b);        \
		min_a_ < min_b_ ? min_a_ : min_b_; \
	})
#define MAX(a, b)                                  \
	({                                         \
		__typeof__(a) max_a_ = (a);        \
		__typeof__(b) max_b_ = (b);        \
		max_a_ > max_b_ ? max_a_ : max_b_; \
	})

#define STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

#endif
