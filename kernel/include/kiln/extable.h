/*
 * Exception fixup table: an instruction that may fault names where execution
 * resumes if it does. The trap handler looks up the faulting PC here before
 * treating a kernel fault as fatal.
 */
#ifndef KILN_EXTABLE_H
#define KILN_EXTABLE_H

#include <kiln/types.h>

struct extable_entry {
	uintptr_t insn;
	uintptr_t fixup;
};

/* For inline assembly: EXTABLE_ENTRY("1b", "2f") after the instruction at 1:. */
#define EXTABLE_ENTRY(insn, fixup)                                                    \
	".pushsection .extable, \"a\"\n\t.balign 8\n\t.quad " insn ", " fixup "\n\t." \
	"popsection\n\t"

const struct extable_entry *extable_find(uintptr_t pc);

#endif
