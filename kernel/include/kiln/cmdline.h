/* Kernel command line: space-separated key=value words. */
#ifndef KILN_CMDLINE_H
#define KILN_CMDLINE_H

#include <kiln/types.h>

/*
 * The value of the last "key=value" word for key: returns its length, or -1 when key is
 * absent. The value is copied into buf (NUL-terminated) only when it fits, that is when the
 * length is below size; otherwise buf is left empty, never holding part of the value.
 */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size);

#endif
