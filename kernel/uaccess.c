/*
 * Copies between kernel and user memory. The range check keeps a caller
 * from naming kernel memory; the probes turn a fault on an unmapped or
 * protected user page into -EFAULT; the access brackets open user memory
 * to the kernel (SMAP, PAN) for the copy only.
 */
#include <kiln/arch.h>
#include <kiln/probe.h>
#include <kiln/uaccess.h>
#include <uapi/kiln/abi.h>

bool user_range_ok(uintptr_t uaddr, size_t size)
{
	return uaddr >= USER_VA_START && uaddr <= USER_VA_END && size <= USER_VA_END - uaddr;
}

int copy_from_user(void *dst, uintptr_t usrc, size_t size)
{
	uint8_t *d = dst;
	bool ok = true;

	if (!user_range_ok(usrc, size))
		return -EFAULT;
	arch_user_access_begin();
	for (size_t i = 0; ok && i < size; i++)
		ok = probe_read8(usrc + i, &d[i]);
	arch_user_access_end();
	return ok ? 0 : -EFAULT;
}

int copy_to_user(uintptr_t udst, const void *src, size_t size)
{
	const uint8_t *s = src;
	bool ok = true;

	if (!user_range_ok(udst, size))
		return -EFAULT;
	arch_user_access_begin();
	for (size_t i = 0; ok && i < size; i++)
		ok = probe_write8(udst + i, s[i]);
	arch_user_access_end();
	return ok ? 0 : -EFAULT;
}

long strncpy_from_user(char *dst, uintptr_t usrc, size_t max)
{
	long ret = -ENAMETOOLONG;
	uint8_t c;

	if (usrc < USER_VA_START || usrc >= USER_VA_END)
		return -EFAULT;
	arch_user_access_begin();
	for (size_t i = 0; i < max; i++) {
		if (usrc + i >= USER_VA_END || !probe_read8(usrc + i, &c)) {
			ret = -EFAULT;
			break;
		}
		dst[i] = c;
		if (!c) {
			ret = i;
			break;
		}
	}
	arch_user_access_end();
	return ret;
}
