/* Name filters of kiln.test= and kiln.bench=. */
#include <kiln/filter.h>
#include <kiln/printk.h>
#include <kiln/string.h>

/* One pattern of a filter: a name, or a prefix followed by '*'. */
static bool pattern_match(const char *pat, size_t len, const char *name)
{
	if (len > 0 && pat[len - 1] == '*')
		return strncmp(pat, name, len - 1) == 0;
	return strlen(name) == len && strncmp(pat, name, len) == 0;
}

/* Length of the pattern at pat, up to the next comma or the end. */
static size_t pattern_len(const char *pat)
{
	const char *comma = strchr(pat, ',');

	return comma ? (size_t)(comma - pat) : strlen(pat);
}

bool filter_matches(const char *filter, const char *name)
{
	if (!filter || !*filter)
		return true;
	for (const char *pat = filter;;) {
		size_t len = pattern_len(pat);
		if (pattern_match(pat, len, name))
			return true;
		if (!pat[len])
			return false;
		pat += len + 1;
	}
}

static bool pattern_selects_any(const char *pat, size_t len, const void *table, size_t count,
				size_t stride, size_t name_off)
{
	for (size_t i = 0; i < count; i++) {
		const char *const *name =
			(const void *)((const char *)table + i * stride + name_off);
		if (pattern_match(pat, len, *name))
			return true;
	}
	return false;
}

bool filter_all_match(const char *key, const char *what, const char *filter, const void *table,
		      size_t count, size_t stride, size_t name_off)
{
	bool ok = true;

	if (!filter || !*filter)
		return true;
	for (const char *pat = filter;;) {
		size_t len = pattern_len(pat);
		if (!pattern_selects_any(pat, len, table, count, stride, name_off)) {
			printk("kiln: %s=%s: pattern '%.*s' matches no %s\n", key, filter, (int)len,
			       pat, what);
			ok = false;
		}
		if (!pat[len])
			return ok;
		pat += len + 1;
	}
}
