/* Frame-pointer backtrace (x86_64 and arm64 share the {prev fp, return address} layout). */
#ifndef KILN_BACKTRACE_H
#define KILN_BACKTRACE_H

#include <kiln/types.h>

/* The caller's chain. */
void backtrace_print(void);
/* An interrupted context's chain: its pc, then the frames from its frame pointer. */
void backtrace_print_from(uintptr_t pc, uintptr_t frame);

#endif
