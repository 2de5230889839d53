/* Kernel command line: space-separated key=value words. */
#ifndef KILN_CMDLINE_H
#define KILN_CMDLINE_H

#include <kiln/types.h>

/*
 * Copy the value of the last "key=value" word for key into buf (at most
 * size - 1 bytes, NUL-terminated). Returns false when key is absent.
 */
bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
