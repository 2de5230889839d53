/*
 * Memory accesses that may fault: a fault is caught through the exception
 * fixup table and reported as false (the details land in
 * this_cpu()->last_fixup) instead of taking the kernel down.
 */
#ifndef KILN_PROBE_H
#define KILN_PROBE_H

#include <kiln/types.h>

bool probe_read8(uintptr_t addr, uint8_t *val);
bool probe_read64(uintptr_t addr, uint64_t *val);
bool probe_write8(uintptr_t addr, uint8_t val);

#endif
