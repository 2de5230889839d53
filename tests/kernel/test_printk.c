/* vsnprintf/snprintf/printk formatting. */
#include <kiln/ktest.h>
#include <kiln/limits.h>
#include <kiln/printk.h>
#include <kiln/string.h>

STATIC_ASSERT(sizeof(void *) == 8, "the %p expectations assume 64-bit pointers");

/*
 * A wrapper without a format attribute: several tests pass deliberately malformed formats
 * that the compiler would otherwise reject.
 */
static int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Checks both the text and the returned length. */
#define EXPECT_FMT(expect, ...)                                   \
	do {                                                      \
		char buf_[128];                                   \
		int n_ = format(buf_, sizeof(buf_), __VA_ARGS__); \
		KEXPECT_STREQ(buf_, expect);                      \
		KEXPECT_EQ(n_, strlen(expect));                   \
	} while (0)

KTEST(printk_plain_text)
{
	EXPECT_FMT("", "");
	EXPECT_FMT("hello, world\n", "hello, world\n");
}

KTEST(printk_percent)
{
	EXPECT_FMT("%", "%%");
	EXPECT_FMT("100%", "100%%");
	EXPECT_FMT("5%%", "%d%%%%", 5);
}

KTEST(printk_signed)
{
	EXPECT_FMT("0", "%d", 0);
	EXPECT_FMT("42", "%d", 42);
	EXPECT_FMT("-42", "%d", -42);
	EXPECT_FMT("7", "%i", 7);
	EXPECT_FMT("-7", "%i", -7);
	EXPECT_FMT("2147483647", "%d", INT_MAX);
	EXPECT_FMT("-2147483648", "%d", INT_MIN);
	EXPECT_FMT("-2147483648", "%i", INT_MIN);
}

KTEST(printk_unsigned)
{
	EXPECT_FMT("0", "%u", 0U);
	EXPECT_FMT("123", "%u", 123U);
	EXPECT_FMT("4294967295", "%u", UINT_MAX);
	EXPECT_FMT("4294967295", "%u", -1);
}

KTEST(printk_hex)
{
	EXPECT_FMT("0", "%x", 0U);
	EXPECT_FMT("deadbeef", "%x", 0xdeadbeefU);
	EXPECT_FMT("DEADBEEF", "%X", 0xdeadbeefU);
	EXPECT_FMT("ffffffff", "%x", -1);
	EXPECT_FMT("a", "%x", 10U);
	EXPECT_FMT("F", "%X", 15U);
}

KTEST(printk_hex_64bit)
{
	EXPECT_FMT("123456789abcdef0", "%lx", 0x123456789abcdef0UL);
	EXPECT_FMT("123456789ABCDEF0", "%lX", 0x123456789abcdef0UL);
	EXPECT_FMT("ffffffffffffffff", "%llx", ULLONG_MAX);
	EXPECT_FMT("100000000", "%lx", 0x100000000UL);
	EXPECT_FMT("0000000000001234", "%016lx", 0x1234UL);
	EXPECT_FMT("8000000000000000", "%llx", 1ULL << 63);
}

KTEST(printk_char)
{
	EXPECT_FMT("A", "%c", 'A');
	EXPECT_FMT("xyz", "%c%c%c", 'x', 'y', 'z');
	EXPECT_FMT("  A", "%3c", 'A');
	EXPECT_FMT("A  |", "%-3c|", 'A');
}

KTEST(printk_string)
{
	EXPECT_FMT("abc", "%s", "abc");
	EXPECT_FMT("", "%s", "");
	EXPECT_FMT("a-b", "%s-%s", "a", "b");
	EXPECT_FMT("  abc", "%5s", "abc");
	EXPECT_FMT("abc  |", "%-5s|", "abc");
	EXPECT_FMT("abcdef", "%3s", "abcdef");
}

KTEST(printk_string_null)
{
	EXPECT_FMT("(null)", "%s", (const char *)NULL);
	EXPECT_FMT("  (null)", "%8s", (const char *)NULL);
}

KTEST(printk_string_precision)
{
	/* Not NUL-terminated: the precision must stop the read. */
	const char raw[3] = {'x', 'y', 'z'};

	EXPECT_FMT("ab", "%.2s", "abcd");
	EXPECT_FMT("", "%.0s", "abcd");
	EXPECT_FMT("abc", "%.10s", "abc");
	EXPECT_FMT("abc", "%.*s", 3, "abcdef");
	EXPECT_FMT("abcdef", "%.*s", -1, "abcdef");
	EXPECT_FMT("   ab", "%5.2s", "abcd");
	EXPECT_FMT("ab   |", "%-5.2s|", "abcd");
	EXPECT_FMT("xyz", "%.3s", raw);
}

KTEST(printk_width)
{
	EXPECT_FMT("   42", "%5d", 42);
	EXPECT_FMT("  -42", "%5d", -42);
	EXPECT_FMT("12345", "%3d", 12345);
	EXPECT_FMT("   ff", "%5x", 0xffU);
	EXPECT_FMT("   7", "%*d", 4, 7);
	EXPECT_FMT("7   |", "%*d|", -4, 7);
	EXPECT_FMT("[  abc]", "[%*s]", 5, "abc");
}

KTEST(printk_zero_pad)
{
	EXPECT_FMT("00042", "%05d", 42);
	EXPECT_FMT("-0042", "%05d", -42);
	EXPECT_FMT("0000beef", "%08x", 0xbeefU);
	EXPECT_FMT("000a", "%0*x", 4, 0xaU);
	EXPECT_FMT("0", "%00d", 0);
}

KTEST(printk_left_justify)
{
	EXPECT_FMT("42   |", "%-5d|", 42);
	EXPECT_FMT("-42  |", "%-5d|", -42);
	/* '-' overrides '0'. */
	EXPECT_FMT("-42  |", "%-05d|", -42);
	EXPECT_FMT("42   |", "%0-5d|", 42);
	EXPECT_FMT("beef    |", "%-8x|", 0xbeefU);
}

KTEST(printk_int_precision)
{
	EXPECT_FMT("005", "%.3d", 5);
	EXPECT_FMT("-005", "%.3d", -5);
	EXPECT_FMT(" -005", "%5.3d", -5);
	EXPECT_FMT("", "%.0d", 0);
	EXPECT_FMT("  ", "%2.0u", 0U);
	EXPECT_FMT("0", "%.*d", -1, 0);
	/* A precision disables the '0' flag. */
	EXPECT_FMT("  005", "%05.3d", 5);
	EXPECT_FMT("00ff", "%.4x", 0xffU);
}

KTEST(printk_length_char_short)
{
	EXPECT_FMT("-1", "%hhd", 255);
	EXPECT_FMT("0", "%hhu", 256);
	EXPECT_FMT("ff", "%hhx", -1);
	EXPECT_FMT("-1", "%hd", 65535);
	EXPECT_FMT("0", "%hu", 65536);
	EXPECT_FMT("-32768", "%hd", SHRT_MIN);
}

KTEST(printk_length_long)
{
	EXPECT_FMT("-9223372036854775808", "%ld", LONG_MIN);
	EXPECT_FMT("9223372036854775807", "%ld", LONG_MAX);
	EXPECT_FMT("18446744073709551615", "%lu", ULONG_MAX);
	EXPECT_FMT("-9223372036854775808", "%lld", LLONG_MIN);
	EXPECT_FMT("-9223372036854775808", "%lli", LLONG_MIN);
	EXPECT_FMT("18446744073709551615", "%llu", ULLONG_MAX);
	EXPECT_FMT("-1", "%lld", -1LL);
}

KTEST(printk_length_size_ptrdiff)
{
	EXPECT_FMT("18446744073709551615", "%zu", SIZE_MAX);
	EXPECT_FMT("-5", "%zd", (size_t)-5);
	EXPECT_FMT("abc", "%zx", (size_t)0xabc);
	EXPECT_FMT("-3", "%td", (ptrdiff_t)-3);
	EXPECT_FMT("ffffffffffffffff", "%tx", (ptrdiff_t)-1);
}

KTEST(printk_pointer)
{
	EXPECT_FMT("0x0000000000001234", "%p", (void *)0x1234);
	EXPECT_FMT("0x0000000000000000", "%p", NULL);
	EXPECT_FMT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
	EXPECT_FMT("0xffff800000000000", "%p", (void *)0xffff800000000000UL);
	EXPECT_FMT("  0x00000000000000ab", "%20p", (void *)0xab);
	EXPECT_FMT("0x00000000000000ab  |", "%-20p|", (void *)0xab);
}

KTEST(printk_mixed)
{
	EXPECT_FMT("[ 42|ab  |x|0x0000000000000010|ff]", "[%3d|%-4s|%c|%p|%lx]", 42, "ab", 'x',
		   (void *)0x10, 0xffUL);
	EXPECT_FMT("a=1 b=-2 c=3", "a=%u b=%d c=%zu", 1U, -2, (size_t)3);
}

KTEST(printk_unknown_conversion)
{
	EXPECT_FMT("%q", "%q");
	EXPECT_FMT("a%qb", "a%qb");
	EXPECT_FMT("%5q", "%5q");
	EXPECT_FMT("%-08.3lq", "%-08.3lq");
	EXPECT_FMT("%q5", "%q%d", 5);
	EXPECT_FMT("%", "%");
	EXPECT_FMT("abc%", "abc%");
	EXPECT_FMT("%-", "%-");
	EXPECT_FMT("%ll", "%ll");
}

KTEST(printk_truncate)
{
	char buf[8];
	int n;

	memset(buf, 'x', sizeof(buf));
	n = format(buf, 4, "abcdef");
	KEXPECT_EQ(n, 6);
	KEXPECT_STREQ(buf, "abc");
	KEXPECT_EQ(buf[4], 'x');

	n = format(buf, 1, "abcdef");
	KEXPECT_EQ(n, 6);
	KEXPECT_STREQ(buf, "");

	n = format(buf, 4, "%d", 123456);
	KEXPECT_EQ(n, 6);
	KEXPECT_STREQ(buf, "123");

	n = format(buf, 5, "%10d", 1);
	KEXPECT_EQ(n, 10);
	KEXPECT_STREQ(buf, "    ");

	n = format(buf, sizeof(buf), "%s", "1234567");
	KEXPECT_EQ(n, 7);
	KEXPECT_STREQ(buf, "1234567");

	n = format(buf, sizeof(buf), "%s", "12345678");
	KEXPECT_EQ(n, 8);
	KEXPECT_STREQ(buf, "1234567");
}

KTEST(printk_size_zero)
{
	char buf[4] = "zzz";

	KEXPECT_EQ(format(buf, 0, "hello"), 5);
	KEXPECT_STREQ(buf, "zzz");
	KEXPECT_EQ(format(NULL, 0, "%d", 12345), 5);
}

KTEST(printk_snprintf)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%s=%d", "x", 3);

	KEXPECT_EQ(n, 3);
	KEXPECT_STREQ(buf, "x=3");
}

KTEST(printk_console)
{
	/* A KTAP diagnostic line, so it does not disturb the report. */
	KEXPECT_EQ(printk("# printk: %s\n", "console ok"), 21);
}
