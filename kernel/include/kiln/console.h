/* The boot console, implemented by the platform. */
#ifndef KILN_CONSOLE_H
#define KILN_CONSOLE_H

#include <kiln/types.h>

/*
 * Writes n bytes of s (no NUL needed). The platform turns "\n" into "\r\n" itself. Must be
 * safe to call from any context, including exception handlers and panic().
 */
void console_write(const char *s, size_t n);

#endif
