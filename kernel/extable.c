/* Exception fixup lookup. */
#include <kiln/extable.h>

extern const struct extable_entry __extable_start[], __extable_end[];

/* Linear: the table holds a few dozen entries and is only searched on a fault. */
const struct extable_entry *extable_find(uintptr_t pc)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == pc)
			return e;
	return NULL;
}
