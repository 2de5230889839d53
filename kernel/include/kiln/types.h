/* Basic kernel types: only the compiler's freestanding headers exist. */
#ifndef KILN_TYPES_H
#define KILN_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Physical address: 64 bits on every target, whatever the pointer width. */
typedef uint64_t paddr_t;

#endif
