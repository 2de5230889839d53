/*
 * Kernel access to user memory. Every user pointer is checked against the
 * user half first; the copy itself recovers from a fault through the
 * exception table, so a bad pointer costs the caller -EFAULT, never the
 * kernel.
 */
#ifndef KILN_UACCESS_H
#define KILN_UACCESS_H

#include <kiln/types.h>

/* Whether [uaddr, uaddr + size) lies in the user half (no wrap). */
bool user_range_ok(uintptr_t uaddr, size_t size);
/* 0, or -EFAULT. */
int copy_from_user(void *dst, uintptr_t usrc, size_t size);
int copy_to_user(uintptr_t udst, const void *src, size_t size);
/* Copy a NUL-terminated string of at most max - 1 bytes: its length, -EFAULT or -ENAMETOOLONG. */
long strncpy_from_user(char *dst, uintptr_t usrc, size_t max);

#endif
