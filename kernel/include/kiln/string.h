/*
 * The C string functions the kernel uses. The mem* functions keep their standard
 * signatures because GCC emits calls to them for struct copies and large initialisers.
 */
#ifndef KILN_STRING_H
#define KILN_STRING_H

#include <kiln/types.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
/* Copy at most size - 1 bytes and NUL-terminate; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);

#endif
