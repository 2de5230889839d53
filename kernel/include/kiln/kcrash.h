/*
 * Crash scenarios: code that must bring the kernel down with a specific
 * report (an unhandled fault, a stack overflow, a smashed canary). They cannot
 * be in-kernel tests, so kiln.mode=crash kiln.crash=NAME runs one and the host
 * test suite checks the report and the failure exit status.
 */
#ifndef KILN_KCRASH_H
#define KILN_KCRASH_H

#include <kiln/compiler.h>

struct kcrash_case {
	const char *name;
	void (*fn)(void);
};

#define KCRASH(cname)                                                                      \
	static void cname##_kcrash(void);                                                  \
	static const struct kcrash_case cname##_kcrash_case __used __no_reorder __section( \
		".kcrash_cases") __aligned(8) = {#cname, cname##_kcrash};                  \
	static void cname##_kcrash(void)

/* Runs the named scenario; returns only if it did not crash (or does not exist). */
void kcrash_run(const char *name);

#endif
