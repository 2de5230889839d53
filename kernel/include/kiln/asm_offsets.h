/*
 * Helpers for offsets.c files. Each is compiled with -S; scripts/gen-offsets.py
 * turns the "->SYM value" markers this emits into include/generated/offsets.h,
 * so assembly never hard-codes a structure layout.
 */
#ifndef KILN_ASM_OFFSETS_H
#define KILN_ASM_OFFSETS_H

#include <stddef.h>

#define DEFINE(sym, val)      asm volatile("\n.ascii \"->" #sym " %c0 " #val "\"" : : "i"(val))
#define OFFSET(sym, str, mem) DEFINE(sym, offsetof(struct str, mem))

#endif
