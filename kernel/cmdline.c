/* Kernel command line parsing. */
#include <kiln/cmdline.h>
#include <kiln/compiler.h>
#include <kiln/string.h>

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t word_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

bool cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	bool found = false;

	for (const char *p = skip_spaces(cmdline); *p; p = skip_spaces(p)) {
		size_t len = word_len(p);
		if (len > klen && p[klen] == '=' && !strncmp(p, key, klen) && size) {
			size_t vlen = MIN(len - klen - 1, size - 1);
			memcpy(buf, p + klen + 1, vlen);
			buf[vlen] = '\0';
			found = true;
		}
		p += len;
	}
	return found;
}
