/* The kernel command line: taken whole from the boot protocol, then parsed. */
#include <kiln/boot.h>
#include <kiln/cmdline.h>
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

int cmdline_get(const char *cmdline, const char *key, char *buf, size_t size)
{
	size_t klen = strlen(key);
	const char *val = NULL;
	size_t vlen = 0;

	for (const char *p = skip_spaces(cmdline); *p; p = skip_spaces(p)) {
		size_t len = word_len(p);
		if (len > klen && p[klen] == '=' && !strncmp(p, key, klen)) {
			val = p + klen + 1;
			vlen = len - klen - 1;
		}
		p += len;
	}
	if (size)
		buf[0] = '\0';
	if (!val)
		return -1;
	if (vlen < size) {
		memcpy(buf, val, vlen);
		buf[vlen] = '\0';
	}
	return (int)vlen;
}

void boot_set_cmdline(struct boot_info *bi, const char *src, size_t len)
{
	bi->cmdline_len = len;
	bi->cmdline[0] = '\0';
	if (len < sizeof(bi->cmdline)) {
		memcpy(bi->cmdline, src, len);
		bi->cmdline[len] = '\0';
	}
}
