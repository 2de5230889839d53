/* Kernel formatted output. */
#ifndef KILN_PRINTK_H
#define KILN_PRINTK_H

#include <kiln/compiler.h>
#include <kiln/types.h>

/*
 * C99 semantics for the supported subset: conversions d i u x X c s p %, flags '-' and '0',
 * width and precision (digits or '*'), length modifiers hh h l ll z t. %p prints "0x" and
 * every hex digit of the pointer so dumps line up; a NULL %s prints "(null)"; an unknown
 * conversion is copied verbatim. Returns the length the full output needs; when size > 0
 * the output is truncated to size - 1 bytes and always NUL-terminated. buf may be NULL if
 * size is 0.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __printf(3, 0);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/*
 * Writes to the console. Messages longer than PRINTK_MAX - 1 bytes are truncated. Safe from
 * exception handlers. Output is written a whole line at a time (a line longer than
 * PRINTK_MAX in pieces): an unfinished line waits for its newline or printk_flush(). Returns
 * the number of bytes written.
 */
#define PRINTK_MAX 256
int vprintk(const char *fmt, va_list ap) __printf(1, 0);
int printk(const char *fmt, ...) __printf(1, 2);
/* Unformatted printk (a user program's write). */
void printk_write(const char *s, size_t n);
/* Writes out this CPU's unfinished line: before the kernel stops. */
void printk_flush(void);

#endif
