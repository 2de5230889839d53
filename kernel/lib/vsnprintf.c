/*
 * The kernel's only formatter: a C99 printf subset, documented in <kiln/printk.h>. It uses
 * no static state, so it may run in any context.
 */
#include <kiln/limits.h>
#include <kiln/printk.h>
#include <kiln/string.h>

/* Output that counts everything but stores only what fits, leaving room for the NUL. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_PTRDIFF };

struct spec {
	bool left;
	bool zero;
	size_t width;
	int prec; /* -1: none */
	enum length length;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_n(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static void put_repeat(struct out *o, char c, size_t n)
{
	while (n--)
		put(o, c);
}

/* Pads s (n bytes) to the field width. */
static void format_str(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	size_t pad = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		put_repeat(o, ' ', pad);
	put_n(o, s, n);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

/* Writes prefix ("-", "0x" or ""), then v with at least prec digits, padded to the width. */
static void format_num(struct out *o, const struct spec *sp, unsigned long long v,
		       unsigned int base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[20]; /* ULLONG_MAX in decimal */
	size_t ndigits = 0, nprefix = strlen(prefix);
	size_t zeros, body, pad;

	/* C: a zero value with zero precision prints no digits. */
	if (v != 0 || sp->prec != 0) {
		do {
			tmp[ndigits++] = digits[v % base];
			v /= base;
		} while (v);
	}
	zeros = sp->prec > 0 && (size_t)sp->prec > ndigits ? (size_t)sp->prec - ndigits : 0;
	body = nprefix + zeros + ndigits;
	pad = sp->width > body ? sp->width - body : 0;
	if (sp->zero && !sp->left && sp->prec < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!sp->left)
		put_repeat(o, ' ', pad);
	put_n(o, prefix, nprefix);
	put_repeat(o, '0', zeros);
	while (ndigits)
		put(o, tmp[--ndigits]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

static long long arg_signed(va_list *ap, enum length length)
{
	switch (length) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_SIZE:
		return (ptrdiff_t)va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(va_list *ap, enum length length)
{
	switch (length) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_SIZE:
		return va_arg(*ap, size_t);
	case LEN_PTRDIFF:
		return (size_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Parses decimal digits; an absurdly long number stops growing instead of overflowing. */
static int parse_int(const char **fmt)
{
	int n = 0;

	for (; **fmt >= '0' && **fmt <= '9'; (*fmt)++) {
		if (n <= (INT_MAX - 9) / 10)
			n = n * 10 + (**fmt - '0');
	}
	return n;
}

static const char *parse_length(const char *fmt, enum length *length)
{
	switch (*fmt) {
	case 'h':
		if (fmt[1] == 'h') {
			*length = LEN_CHAR;
			return fmt + 2;
		}
		*length = LEN_SHORT;
		return fmt + 1;
	case 'l':
		if (fmt[1] == 'l') {
			*length = LEN_LLONG;
			return fmt + 2;
		}
		*length = LEN_LONG;
		return fmt + 1;
	case 'z':
		*length = LEN_SIZE;
		return fmt + 1;
	case 't':
		*length = LEN_PTRDIFF;
		return fmt + 1;
	default:
		*length = LEN_INT;
		return fmt;
	}
}

/* Parses flags, width, precision and length modifier; returns the conversion character. */
static const char *parse_spec(const char *fmt, struct spec *sp, va_list *ap)
{
	int width;

	for (;; fmt++) {
		if (*fmt == '-')
			sp->left = true;
		else if (*fmt == '0')
			sp->zero = true;
		else
			break;
	}

	if (*fmt == '*') {
		fmt++;
		width = va_arg(*ap, int);
		/* C: a negative '*' width means the '-' flag and the magnitude. */
		if (width < 0)
			sp->left = true;
		sp->width = width < 0 ? -(size_t)width : (size_t)width;
	} else {
		sp->width = (size_t)parse_int(&fmt);
	}

	sp->prec = -1;
	if (*fmt == '.') {
		fmt++;
		if (*fmt == '*') {
			fmt++;
			/* C: a negative '*' precision counts as none. */
			sp->prec = MAX(va_arg(*ap, int), -1);
		} else {
			sp->prec = parse_int(&fmt);
		}
	}
	return parse_length(fmt, &sp->length);
}

/* Formats the conversion starting at fmt, which points at '%'; returns what follows it. */
static const char *format_one(struct out *o, const char *fmt, va_list *ap)
{
	const char *start = fmt;
	struct spec sp = {0};
	long long v;
	const char *s;
	char c;

	fmt = parse_spec(fmt + 1, &sp, ap);
	switch (*fmt) {
	case 'd':
	case 'i':
		v = arg_signed(ap, sp.length);
		if (v < 0)
			format_num(o, &sp, 0ULL - (unsigned long long)v, 10, false, "-");
		else
			format_num(o, &sp, (unsigned long long)v, 10, false, "");
		break;
	case 'u':
		format_num(o, &sp, arg_unsigned(ap, sp.length), 10, false, "");
		break;
	case 'x':
	case 'X':
		format_num(o, &sp, arg_unsigned(ap, sp.length), 16, *fmt == 'X', "");
		break;
	case 'p':
		/* Every digit of the pointer, so addresses in dumps line up. */
		sp.prec = (int)(2 * sizeof(void *));
		format_num(o, &sp, (uintptr_t)va_arg(*ap, void *), 16, false, "0x");
		break;
	case 's':
		s = va_arg(*ap, const char *);
		if (!s)
			s = "(null)";
		/* strnlen: with a precision, s need not be NUL-terminated. */
		format_str(o, &sp, s, sp.prec >= 0 ? strnlen(s, (size_t)sp.prec) : strlen(s));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		format_str(o, &sp, &c, 1);
		break;
	case '%':
		put(o, '%');
		break;
	default:
		/* Unknown or truncated conversion: copy it so the mistake is visible. */
		if (*fmt)
			fmt++;
		put_n(o, start, (size_t)(fmt - start));
		return fmt;
	}
	return fmt + 1;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = {.buf = buf, .size = size, .len = 0};
	va_list args;

	/* A copy can be passed by pointer on every ABI, a va_list parameter cannot. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = format_one(&o, fmt, &args);
		else
			put(&o, *fmt++);
	}
	va_end(args);

	if (size > 0)
		buf[MIN(o.len, size - 1)] = '\0';
	return o.len > INT_MAX ? INT_MAX : (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
