/* Crash scenario runner. */
#include <kiln/kcrash.h>
#include <kiln/printk.h>
#include <kiln/string.h>

extern const struct kcrash_case __kcrash_cases_start[], __kcrash_cases_end[];

void kcrash_run(const char *name)
{
	const struct kcrash_case *c;

	for (c = __kcrash_cases_start; c < __kcrash_cases_end; c++) {
		if (strcmp(c->name, name))
			continue;
		printk("kcrash: triggering %s\n", c->name);
		c->fn();
		printk("kcrash: %s returned without crashing the kernel\n", c->name);
		return;
	}
	printk("kcrash: no scenario named '%s'; known:", name);
	for (c = __kcrash_cases_start; c < __kcrash_cases_end; c++)
		printk(" %s", c->name);
	printk("\n");
}
