/*
 * Name filters from the command line (kiln.test=, kiln.bench=): comma-separated patterns,
 * each a name or a prefix followed by '*'. The whole filter may be empty (every name).
 */
#ifndef KILN_FILTER_H
#define KILN_FILTER_H

#include <kiln/types.h>

/* Whether filter selects name; NULL or "" selects every name. */
bool filter_matches(const char *filter, const char *name);

/*
 * Whether every pattern of filter selects an entry of a registry: count structs, stride
 * bytes apart from table, each with its name string name_off bytes in. Each pattern that
 * selects nothing is reported, naming key (the command-line key) and what (e.g. "test"): a
 * mistyped name must fail the run, not quietly run less.
 */
bool filter_all_match(const char *key, const char *what, const char *filter, const void *table,
		      size_t count, size_t stride, size_t name_off);

/* The same for a linker-section registry [start, end) of structs with a name member. */
#define FILTER_ALL_MATCH(key, what, filter, start, end)                                         \
	filter_all_match(key, what, filter, start, (size_t)((end) - (start)), sizeof(*(start)), \
			 offsetof(typeof(*(start)), name))

#endif
