/* C string functions. */
#include <kiln/string.h>

/*
 * GCC recognises byte loops as memset/memcpy and would turn these functions into calls to
 * themselves; keep the loops.
 */
#define __no_libcall __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Word-sized accesses for the bulk of aligned buffers; may_alias keeps them legal. */
typedef unsigned long __attribute__((may_alias)) word_t;
#define WORD_MASK (sizeof(word_t) - 1)

__no_libcall void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	word_t pattern = (unsigned char)c * (~0UL / 0xff);

	while (n > 0 && ((uintptr_t)d & WORD_MASK)) {
		*d++ = (unsigned char)c;
		n--;
	}
	for (; n >= sizeof(word_t); n -= sizeof(word_t), d += sizeof(word_t))
		*(word_t *)d = pattern;
	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

__no_libcall void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Word copies need both pointers to reach alignment together. */
	if ((((uintptr_t)d ^ (uintptr_t)s) & WORD_MASK) == 0) {
		while (n > 0 && ((uintptr_t)d & WORD_MASK)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= sizeof(word_t); n -= sizeof(word_t)) {
			*(word_t *)d = *(const word_t *)s;
			d += sizeof(word_t);
			s += sizeof(word_t);
		}
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

__no_libcall void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s) {
		while (n--)
			*d++ = *s++;
	} else {
		while (n--)
			d[n] = s[n];
	}
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;

	for (; n > 0; n--, p++, q++) {
		if (*p != *q)
			return *p - *q;
		if (*p == '\0')
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (*s == '\0')
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
