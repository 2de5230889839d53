/*
 * Device tree reader. The blobs are built at test time by a small builder that knows the
 * DTB format independently of kernel/fdt.c; malformed blobs are valid ones with a field
 * patched or a token sequence the reader must refuse.
 */
#include <kiln/fdt.h>
#include <kiln/ktest.h>
#include <kiln/panic.h>
#include <kiln/string.h>

enum { T_BEGIN_NODE = 1, T_END_NODE = 2, T_PROP = 3, T_NOP = 4, T_END = 9 };

/* Header fields, as byte offsets. */
enum {
	H_MAGIC = 0,
	H_TOTALSIZE = 4,
	H_OFF_STRUCT = 8,
	H_OFF_STRINGS = 12,
	H_OFF_RSVMAP = 16,
	H_VERSION = 20,
	H_LAST_COMP = 24,
	H_SIZE_STRINGS = 32,
	H_SIZE_STRUCT = 36,
};

/* Layout written by finish(): header, empty reservation map, structure, strings. */
#define HEADER_SIZE 40
#define RSVMAP_OFF  HEADER_SIZE
#define STRUCT_OFF  (RSVMAP_OFF + 16)
#define BLOB_MAX    4096

static struct {
	uint8_t st[2048];
	uint32_t st_len;
	char strings[512];
	uint32_t strings_len;
} b;

static uint8_t blob[BLOB_MAX] __aligned(8);
static struct fdt fdt;

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void start(void)
{
	b.st_len = 0;
	b.strings_len = 0;
}

/* Appends data to the structure block, zero-padded to 4 bytes. */
static void emit(const void *data, uint32_t len)
{
	BUG_ON(len > sizeof(b.st) - 3 - b.st_len);
	memcpy(b.st + b.st_len, data, len);
	b.st_len += len;
	while (b.st_len % 4)
		b.st[b.st_len++] = 0;
}

static void emit32(uint32_t v)
{
	uint8_t be[4];

	put32(be, v);
	emit(be, 4);
}

static void begin_node(const char *name)
{
	emit32(T_BEGIN_NODE);
	emit(name, strlen(name) + 1);
}

static void end_node(void)
{
	emit32(T_END_NODE);
}

/* Returns the token's offset in the structure block, for tests that corrupt it. */
static uint32_t prop(const char *name, const void *val, uint32_t len)
{
	uint32_t off = b.st_len;

	BUG_ON(strlen(name) >= sizeof(b.strings) - b.strings_len);
	emit32(T_PROP);
	emit32(len);
	emit32(b.strings_len);
	emit(val, len);
	memcpy(b.strings + b.strings_len, name, strlen(name) + 1);
	b.strings_len += strlen(name) + 1;
	return off;
}

static void prop_str(const char *name, const char *s)
{
	prop(name, s, strlen(s) + 1);
}

static void prop_cells(const char *name, const uint32_t *cells, uint32_t n)
{
	uint8_t be[64];

	BUG_ON(n > sizeof(be) / 4);
	for (uint32_t i = 0; i < n; i++)
		put32(be + 4 * i, cells[i]);
	prop(name, be, 4 * n);
}

static void prop_u32(const char *name, uint32_t v)
{
	prop_cells(name, &v, 1);
}

#define PROP_CELLS(name, ...)                                   \
	do {                                                    \
		static const uint32_t cells_[] = {__VA_ARGS__}; \
		prop_cells(name, cells_, ARRAY_SIZE(cells_));   \
	} while (0)

/* Lays the blocks out in blob without adding FDT_END; returns totalsize. */
static uint32_t finish_raw(void)
{
	uint32_t strings_off = STRUCT_OFF + b.st_len;
	uint32_t total = strings_off + b.strings_len;

	memset(blob, 0, sizeof(blob));
	put32(blob + H_MAGIC, 0xd00dfeed);
	put32(blob + H_TOTALSIZE, total);
	put32(blob + H_OFF_STRUCT, STRUCT_OFF);
	put32(blob + H_OFF_STRINGS, strings_off);
	put32(blob + H_OFF_RSVMAP, RSVMAP_OFF);
	put32(blob + H_VERSION, 17);
	put32(blob + H_LAST_COMP, 16);
	put32(blob + H_SIZE_STRINGS, b.strings_len);
	put32(blob + H_SIZE_STRUCT, b.st_len);
	memcpy(blob + STRUCT_OFF, b.st, b.st_len);
	memcpy(blob + strings_off, b.strings, b.strings_len);
	return total;
}

static uint32_t finish(void)
{
	emit32(T_END);
	return finish_raw();
}

static int init_built(bool with_end)
{
	return fdt_init(&fdt, blob, with_end ? finish() : finish_raw());
}

static void set_hdr(uint32_t field, uint32_t v)
{
	put32(blob + field, v);
}

static uint32_t hdr(uint32_t field)
{
	return get32(blob + field);
}

/* Offset of the "reg" property token of memory@40000000 in the sample blob. */
static uint32_t sample_reg_prop;

/* A tree shaped like QEMU's arm64 virt machine, with NOPs where a reader could trip. */
static uint32_t build_sample(void)
{
	start();
	emit32(T_NOP);
	begin_node("");
	prop_u32("#address-cells", 2);
	prop_u32("#size-cells", 2);
	emit32(T_NOP);
	prop_str("model", "kiln-test");

	begin_node("cpus");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 0);
	begin_node("cpu@0");
	prop_str("device_type", "cpu");
	prop_u32("reg", 0);
	end_node();
	begin_node("cpu@1");
	prop_str("device_type", "cpu");
	prop_u32("reg", 1);
	end_node();
	end_node();

	begin_node("memory@40000000");
	prop_str("device_type", "memory");
	sample_reg_prop = b.st_len;
	PROP_CELLS("reg", 0, 0x40000000, 0, 0x10000000, 0x1, 0x0, 0x0, 0x20000000);
	end_node();

	begin_node("memory@140000000");
	PROP_CELLS("reg", 0x1, 0x40000000, 0, 0x1000);
	end_node();

	begin_node("psci");
	prop("compatible", "arm,psci-1.0\0arm,psci-0.2\0arm,psci", 35);
	prop_str("method", "hvc");
	end_node();

	begin_node("soc");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	emit32(T_NOP);
	begin_node("pl011@9000000");
	prop("compatible", "arm,pl011\0arm,primecell", 24);
	PROP_CELLS("reg", 0x9000000, 0x1000, 0x9001000, 0x10);
	PROP_CELLS("interrupts", 0, 1, 4);
	end_node();
	begin_node("pl011@9040000");
	prop("compatible", "arm,pl011\0arm,primecell", 24);
	PROP_CELLS("reg", 0x9040000, 0x1000);
	end_node();
	begin_node("empty");
	end_node();
	end_node();

	begin_node("intc@8000000");
	prop_str("compatible", "arm,cortex-a15-gic");
	PROP_CELLS("reg", 0, 0x8000000, 0, 0x10000, 0, 0x8010000, 0, 0x10000);
	prop("interrupt-controller", NULL, 0);
	end_node();

	end_node();
	return finish();
}

/* Builds and parses the sample tree; the tests below assert on this first. */
static int init_sample(void)
{
	return fdt_init(&fdt, blob, build_sample());
}

static int path(const char *p)
{
	return fdt_path_offset(&fdt, p);
}

KTEST(fdt_init_sample)
{
	uint32_t total = build_sample();

	KASSERT_EQ(fdt_init(&fdt, blob, sizeof(blob)), 0);
	KEXPECT_EQ(fdt.base, blob);
	KEXPECT_EQ(fdt.size, total);
	KEXPECT_EQ(fdt.struct_off, STRUCT_OFF);
	KEXPECT_EQ(fdt.struct_size, hdr(H_SIZE_STRUCT));
	KEXPECT_EQ(fdt.strings_off, hdr(H_OFF_STRINGS));
	KEXPECT_EQ(fdt.strings_size, hdr(H_SIZE_STRINGS));
	/* Exactly totalsize readable is enough. */
	KEXPECT_EQ(fdt_init(&fdt, blob, total), 0);
}

KTEST(fdt_path_lookup)
{
	int root;

	KASSERT_EQ(init_sample(), 0);
	root = path("/");
	KEXPECT_EQ(root, 4); /* after the leading NOP */
	KEXPECT_STREQ(fdt_node_name(&fdt, root), "");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/cpus")), "cpus");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/cpus/cpu@1")), "cpu@1");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/soc/pl011@9040000")), "pl011@9040000");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("//soc//empty/")), "empty");
	KEXPECT_EQ(path("/nonexistent"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/cpus/cpu@2"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/soc/empty/x"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/cpus/cpu@0/cpus"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("cpus"), FDT_ERR_BADPATH);
	KEXPECT_EQ(path(""), FDT_ERR_BADPATH);
}

KTEST(fdt_path_unit_address)
{
	KASSERT_EQ(init_sample(), 0);
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/memory")), "memory@40000000");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/memory@140000000")), "memory@140000000");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/cpus/cpu")), "cpu@0");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/soc/pl011")), "pl011@9000000");
	KEXPECT_EQ(path("/memory@4"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/memory@400000000"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/cpu"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/mem"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/psci@0"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(path("/memory@"), FDT_ERR_NOTFOUND);
}

KTEST(fdt_path_two_unit_addresses)
{
	/* Malformed, but a component with a unit address must still match exactly. */
	start();
	begin_node("");
	begin_node("x@1@2");
	end_node();
	end_node();
	KASSERT_EQ(fdt_init(&fdt, blob, finish()), 0);
	KEXPECT_EQ(path("/x@1"), FDT_ERR_NOTFOUND);
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/x@1@2")), "x@1@2");
	KEXPECT_STREQ(fdt_node_name(&fdt, path("/x")), "x@1@2");
}

KTEST(fdt_children_and_siblings)
{
	static const char *const names[] = {
		"cpus", "memory@40000000", "memory@140000000", "psci", "soc", "intc@8000000",
	};
	size_t n = 0;
	int node;

	KASSERT_EQ(init_sample(), 0);
	for (node = fdt_first_child(&fdt, path("/")); node >= 0 && n < ARRAY_SIZE(names);
	     node = fdt_next_sibling(&fdt, node))
		KEXPECT_STREQ(fdt_node_name(&fdt, node), names[n++]);
	KEXPECT_EQ(n, ARRAY_SIZE(names));
	KEXPECT_EQ(node, FDT_ERR_NOTFOUND);

	/* The NOP before the first child of soc is skipped. */
	KEXPECT_EQ(fdt_first_child(&fdt, path("/soc")), path("/soc/pl011@9000000"));
	KEXPECT_EQ(fdt_next_sibling(&fdt, path("/soc/pl011@9040000")), path("/soc/empty"));
	KEXPECT_EQ(fdt_first_child(&fdt, path("/soc/empty")), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_next_sibling(&fdt, path("/soc/empty")), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_next_sibling(&fdt, path("/")), FDT_ERR_NOTFOUND);
}

KTEST(fdt_parent_lookup)
{
	int root;

	KASSERT_EQ(init_sample(), 0);
	root = path("/");
	KEXPECT_EQ(fdt_parent(&fdt, root), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_parent(&fdt, path("/cpus")), root);
	KEXPECT_EQ(fdt_parent(&fdt, path("/cpus/cpu@1")), path("/cpus"));
	KEXPECT_EQ(fdt_parent(&fdt, path("/soc/pl011@9040000")), path("/soc"));
	KEXPECT_EQ(fdt_parent(&fdt, path("/intc")), root);
}

KTEST(fdt_properties)
{
	uint32_t v = 0;
	const char *s;
	int node, len;

	KASSERT_EQ(init_sample(), 0);
	node = path("/");
	s = fdt_getprop(&fdt, node, "model", &len);
	KASSERT_NE(s, NULL);
	KEXPECT_STREQ(s, "kiln-test");
	KEXPECT_EQ(len, sizeof("kiln-test"));
	KEXPECT_STREQ(fdt_getprop_str(&fdt, node, "model"), "kiln-test");
	KEXPECT_EQ(fdt_getprop_u32(&fdt, node, "#size-cells", &v), 0);
	KEXPECT_EQ(v, 2);
	KEXPECT_EQ(fdt_getprop_u32(&fdt, node, "model", &v), FDT_ERR_BADVALUE);
	KEXPECT_EQ(fdt_getprop_u32(&fdt, node, "absent", &v), FDT_ERR_NOTFOUND);

	/* Absent, or only in a child. */
	KEXPECT_EQ(fdt_getprop(&fdt, node, "method", &len), NULL);
	KEXPECT_EQ(len, FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_getprop(&fdt, node, "absent", NULL), NULL);
	KEXPECT_EQ(fdt_getprop_str(&fdt, node, "absent"), NULL);

	KEXPECT_STREQ(fdt_getprop_str(&fdt, path("/psci"), "method"), "hvc");
	/* A cell ending in a non-zero byte is not a string. */
	KEXPECT_EQ(fdt_getprop_str(&fdt, path("/cpus/cpu@1"), "reg"), NULL);

	node = path("/intc");
	KEXPECT_NE(fdt_getprop(&fdt, node, "interrupt-controller", &len), NULL);
	KEXPECT_EQ(len, 0);
	KEXPECT_EQ(fdt_getprop_str(&fdt, node, "interrupt-controller"), NULL);

	s = fdt_getprop(&fdt, path("/soc/pl011"), "interrupts", &len);
	KASSERT_NE(s, NULL);
	KEXPECT_EQ(len, 12);
	KEXPECT_EQ(fdt32_ld(s + 8), 4);
}

KTEST(fdt_compatible)
{
	int psci, uart0, uart1;

	KASSERT_EQ(init_sample(), 0);
	psci = path("/psci");
	KEXPECT_TRUE(fdt_node_is_compatible(&fdt, psci, "arm,psci-1.0"));
	KEXPECT_TRUE(fdt_node_is_compatible(&fdt, psci, "arm,psci-0.2"));
	KEXPECT_TRUE(fdt_node_is_compatible(&fdt, psci, "arm,psci"));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, psci, "arm,psci-1"));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, psci, "arm"));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, psci, ""));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, path("/cpus"), "arm,psci"));

	/* Matching on the second string, in depth-first order. */
	uart0 = fdt_find_compatible(&fdt, -1, "arm,primecell");
	KEXPECT_EQ(uart0, path("/soc/pl011@9000000"));
	uart1 = fdt_find_compatible(&fdt, uart0, "arm,primecell");
	KEXPECT_EQ(uart1, path("/soc/pl011@9040000"));
	KEXPECT_EQ(fdt_find_compatible(&fdt, uart1, "arm,primecell"), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_find_compatible(&fdt, -1, "arm,cortex-a15-gic"), path("/intc"));
	KEXPECT_EQ(fdt_find_compatible(&fdt, path("/soc"), "arm,pl011"), uart0);
	KEXPECT_EQ(fdt_find_compatible(&fdt, -1, "arm,pl01"), FDT_ERR_NOTFOUND);
}

KTEST(fdt_compatible_malformed)
{
	start();
	begin_node("");
	begin_node("a");
	prop("compatible", "good\0bad", 8); /* last string unterminated */
	end_node();
	begin_node("b");
	prop("compatible", "", 0);
	end_node();
	end_node();
	KASSERT_EQ(fdt_init(&fdt, blob, finish()), 0);
	KEXPECT_TRUE(fdt_node_is_compatible(&fdt, path("/a"), "good"));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, path("/a"), "bad"));
	KEXPECT_FALSE(fdt_node_is_compatible(&fdt, path("/b"), ""));
}

KTEST(fdt_reg_2_2)
{
	uint64_t addr = 0, size = 0;
	int mem;

	KASSERT_EQ(init_sample(), 0);
	mem = path("/memory@40000000");
	KEXPECT_EQ(fdt_get_reg(&fdt, mem, 0, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x40000000);
	KEXPECT_EQ(size, 0x10000000);
	KEXPECT_EQ(fdt_get_reg(&fdt, mem, 1, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x100000000ULL);
	KEXPECT_EQ(size, 0x20000000);
	KEXPECT_EQ(fdt_get_reg(&fdt, mem, 2, &addr, &size), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_get_reg(&fdt, mem, -1, &addr, &size), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/memory@140000000"), 0, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x140000000ULL);
	KEXPECT_EQ(size, 0x1000);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/intc"), 1, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x8010000);
	KEXPECT_EQ(size, 0x10000);
}

KTEST(fdt_reg_1_1_and_1_0)
{
	uint64_t addr = 0, size = 0;

	KASSERT_EQ(init_sample(), 0);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/soc/pl011@9000000"), 0, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x9000000);
	KEXPECT_EQ(size, 0x1000);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/soc/pl011@9000000"), 1, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x9001000);
	KEXPECT_EQ(size, 0x10);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/soc/pl011@9000000"), 2, &addr, &size),
		   FDT_ERR_NOTFOUND);
	/* #size-cells = 0, as under /cpus. */
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/cpus/cpu@1"), 0, &addr, &size), 0);
	KEXPECT_EQ(addr, 1);
	KEXPECT_EQ(size, 0);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/cpus/cpu@1"), 1, &addr, &size), FDT_ERR_NOTFOUND);
}

KTEST(fdt_reg_errors)
{
	uint64_t addr = 0, size = 0;

	KASSERT_EQ(init_sample(), 0);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/"), 0, &addr, &size), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/psci"), 0, &addr, &size), FDT_ERR_NOTFOUND);

	start();
	begin_node("");
	begin_node("dflt"); /* no #cells: 2 and 1 */
	begin_node("dev");
	PROP_CELLS("reg", 0x1, 0x2, 0x3);
	end_node();
	end_node();
	begin_node("three");
	prop_u32("#address-cells", 3);
	begin_node("dev");
	PROP_CELLS("reg", 1, 2, 3, 4);
	end_node();
	end_node();
	begin_node("zero");
	prop_u32("#address-cells", 0);
	begin_node("dev");
	PROP_CELLS("reg", 1, 2);
	end_node();
	end_node();
	begin_node("big");
	prop_u32("#size-cells", 3);
	begin_node("dev");
	PROP_CELLS("reg", 1, 2, 3, 4, 5);
	end_node();
	end_node();
	begin_node("long");
	PROP_CELLS("#size-cells", 1, 1);
	begin_node("dev");
	end_node();
	end_node();
	begin_node("odd");
	prop_u32("#address-cells", 1);
	prop_u32("#size-cells", 1);
	begin_node("dev");
	PROP_CELLS("reg", 1, 2, 3);
	end_node();
	end_node();
	end_node();
	KASSERT_EQ(fdt_init(&fdt, blob, finish()), 0);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/dflt/dev"), 0, &addr, &size), 0);
	KEXPECT_EQ(addr, 0x100000002ULL);
	KEXPECT_EQ(size, 3);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/three/dev"), 0, &addr, &size), FDT_ERR_BADCELLS);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/zero/dev"), 0, &addr, &size), FDT_ERR_BADCELLS);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/big/dev"), 0, &addr, &size), FDT_ERR_BADCELLS);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/long/dev"), 0, &addr, &size), FDT_ERR_BADCELLS);
	KEXPECT_EQ(fdt_get_reg(&fdt, path("/odd/dev"), 0, &addr, &size), FDT_ERR_BADVALUE);
}

KTEST(fdt_bad_node_offsets)
{
	static const int bad[] = {-5, -1, 1, 2, 1 << 30, 0x7ffffffc, 0 /* the NOP */};
	uint64_t addr, size;
	int len = 0;

	KASSERT_EQ(init_sample(), 0);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		int node = bad[i];

		KEXPECT_EQ(fdt_first_child(&fdt, node), FDT_ERR_BADOFFSET);
		KEXPECT_EQ(fdt_next_sibling(&fdt, node), FDT_ERR_BADOFFSET);
		KEXPECT_EQ(fdt_parent(&fdt, node), FDT_ERR_BADOFFSET);
		KEXPECT_EQ(fdt_node_name(&fdt, node), NULL);
		KEXPECT_EQ(fdt_getprop(&fdt, node, "reg", &len), NULL);
		KEXPECT_EQ(len, FDT_ERR_BADOFFSET);
		KEXPECT_FALSE(fdt_node_is_compatible(&fdt, node, "arm,psci"));
		KEXPECT_EQ(fdt_get_reg(&fdt, node, 0, &addr, &size), FDT_ERR_BADOFFSET);
		if (node != -1)
			KEXPECT_EQ(fdt_find_compatible(&fdt, node, "arm,psci"), FDT_ERR_BADOFFSET);
	}
	/* A property token and the FDT_END token. */
	KEXPECT_EQ(fdt_first_child(&fdt, sample_reg_prop), FDT_ERR_BADOFFSET);
	KEXPECT_EQ(fdt_first_child(&fdt, fdt.struct_size - 4), FDT_ERR_BADOFFSET);
}

KTEST(fdt_unaligned_blob)
{
	static uint8_t buf[BLOB_MAX + 8] __aligned(8);
	uint32_t total = build_sample();
	uint64_t addr = 0, size = 0;
	struct fdt f;

	for (size_t shift = 1; shift < 8; shift += 2) {
		memcpy(buf + shift, blob, total);
		KASSERT_EQ(fdt_init(&f, buf + shift, total), 0);
		KEXPECT_EQ(fdt_get_reg(&f, fdt_path_offset(&f, "/memory"), 1, &addr, &size), 0);
		KEXPECT_EQ(addr, 0x100000000ULL);
		KEXPECT_EQ(size, 0x20000000);
	}
}

KTEST(fdt_loads)
{
	static const uint8_t bytes[] = {0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

	KEXPECT_EQ(fdt32_ld(bytes + 1), 0x01234567);
	KEXPECT_EQ(fdt64_ld(bytes + 1), 0x0123456789abcdefULL);
}

KTEST(fdt_strerror_names)
{
	KEXPECT_STREQ(fdt_strerror(FDT_ERR_BADMAGIC), "bad magic");
	KEXPECT_STREQ(fdt_strerror(FDT_ERR_TRUNCATED), "truncated");
	KEXPECT_STREQ(fdt_strerror(FDT_ERR_BADSTRUCTURE), "bad structure block");
	KEXPECT_STREQ(fdt_strerror(0), "success");
	for (int err = FDT_ERR_NOTFOUND; err >= FDT_ERR_BADVALUE; err--)
		KEXPECT_NE(strcmp(fdt_strerror(err), "unknown error"), 0);
	KEXPECT_STREQ(fdt_strerror(FDT_ERR_BADVALUE - 1), "unknown error");
	KEXPECT_STREQ(fdt_strerror(1), "unknown error");
	KEXPECT_STREQ(fdt_strerror(-2147483647 - 1), "unknown error");
}

KTEST(fdt_bad_magic)
{
	build_sample();
	set_hdr(H_MAGIC, 0xedfe0dd0); /* byte-swapped */
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_BADMAGIC);
	set_hdr(H_MAGIC, 0);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_BADMAGIC);
	KEXPECT_EQ(fdt_init(&fdt, NULL, sizeof(blob)), FDT_ERR_TRUNCATED);
}

KTEST(fdt_versions)
{
	build_sample();
	set_hdr(H_VERSION, 15);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_BADVERSION);
	set_hdr(H_VERSION, 18);
	set_hdr(H_LAST_COMP, 18);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_BADVERSION);
	set_hdr(H_LAST_COMP, 17);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), 0);
	set_hdr(H_VERSION, 16); /* older than the oldest version it claims to be compatible with */
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_BADVERSION);

	/* Version 16 has no size_dt_struct; the structure block ends at FDT_END. */
	set_hdr(H_LAST_COMP, 16);
	set_hdr(H_SIZE_STRUCT, 0xdeadbeef);
	KASSERT_EQ(fdt_init(&fdt, blob, sizeof(blob)), 0);
	KEXPECT_EQ(fdt.struct_size, hdr(H_OFF_STRINGS) - STRUCT_OFF);
	KEXPECT_STREQ(fdt_getprop_str(&fdt, path("/psci"), "method"), "hvc");
}

KTEST(fdt_truncated_every_length)
{
	uint32_t total = build_sample();
	unsigned int wrong = 0;

	for (uint32_t len = 0; len < total; len++) {
		if (fdt_init(&fdt, blob, len) != FDT_ERR_TRUNCATED)
			wrong++;
	}
	KEXPECT_EQ(wrong, 0);
	KEXPECT_EQ(fdt_init(&fdt, blob, total), 0);

	set_hdr(H_TOTALSIZE, sizeof(blob) + 1);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_TRUNCATED);
	set_hdr(H_TOTALSIZE, 0xffffffff);
	KEXPECT_EQ(fdt_init(&fdt, blob, sizeof(blob)), FDT_ERR_TRUNCATED);
}

/* Patches one header field of the sample blob and returns what fdt_init() says. */
static int init_patched(uint32_t field, uint32_t v)
{
	uint32_t total = build_sample();

	set_hdr(field, v);
	return fdt_init(&fdt, blob, total);
}

KTEST(fdt_bad_layout)
{
	uint32_t total = build_sample();
	uint32_t st_size = hdr(H_SIZE_STRUCT), str_off = hdr(H_OFF_STRINGS);

	KEXPECT_EQ(init_patched(H_TOTALSIZE, 20), FDT_ERR_BADLAYOUT);
	/* The version field lies past totalsize 20, so it must not be looked at. */
	set_hdr(H_VERSION, 1);
	KEXPECT_EQ(fdt_init(&fdt, blob, total), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_TOTALSIZE, 39), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRUCT, total + 4), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRUCT, 0xfffffffc), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRUCT, STRUCT_OFF - 2), FDT_ERR_BADLAYOUT); /* misaligned */
	KEXPECT_EQ(init_patched(H_OFF_STRUCT, 0), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRUCT, 36), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_SIZE_STRUCT, total - STRUCT_OFF + 1), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_SIZE_STRUCT, 0xfffffff0), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_SIZE_STRUCT, st_size + 4), FDT_ERR_BADLAYOUT); /* overlap */
	KEXPECT_EQ(init_patched(H_OFF_STRINGS, total + 1), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRINGS, 8), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_STRINGS, str_off - 4), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_SIZE_STRINGS, total - str_off + 1), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_SIZE_STRINGS, 0xffffffff), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_RSVMAP, total - 8), FDT_ERR_BADLAYOUT);
	KEXPECT_EQ(init_patched(H_OFF_RSVMAP, 0), FDT_ERR_BADLAYOUT);
}

KTEST(fdt_struct_cut_every_length)
{
	unsigned int wrong = 0;
	uint32_t st_size;

	build_sample();
	st_size = hdr(H_SIZE_STRUCT);
	for (uint32_t len = 0; len < st_size; len++) {
		if (init_patched(H_SIZE_STRUCT, len) != FDT_ERR_BADSTRUCTURE)
			wrong++;
	}
	KEXPECT_EQ(wrong, 0);
}

KTEST(fdt_strings_cut_every_length)
{
	unsigned int wrong = 0;
	uint32_t str_size;

	build_sample();
	str_size = hdr(H_SIZE_STRINGS);
	/* The builder never shares strings, so the last property names the last string. */
	for (uint32_t len = 0; len < str_size; len++) {
		if (init_patched(H_SIZE_STRINGS, len) != FDT_ERR_BADNAMEOFF)
			wrong++;
	}
	KEXPECT_EQ(wrong, 0);
}

/* Builds "/" with one property "p" of 4 bytes as the last token before FDT_END_NODE. */
static uint32_t build_one_prop(uint32_t *prop_field)
{
	uint32_t off;

	start();
	begin_node("");
	off = prop("p", "abc", 4);
	end_node();
	*prop_field = STRUCT_OFF + off;
	return finish();
}

KTEST(fdt_prop_len_past_block)
{
	/* Up to 12 the value swallows END_NODE and END; from 13 it leaves the block. */
	static const uint32_t lens[] = {9, 12, 13, 0x7ffffffc, 0xfffffff8, 0xffffffff};
	uint32_t field, total = build_one_prop(&field);

	KASSERT_EQ(fdt_init(&fdt, blob, total), 0);
	for (size_t i = 0; i < ARRAY_SIZE(lens); i++) {
		total = build_one_prop(&field);
		put32(blob + field + 4, lens[i]);
		KEXPECT_EQ(fdt_init(&fdt, blob, total), FDT_ERR_BADSTRUCTURE);
	}
}

KTEST(fdt_prop_len_wraps)
{
	/*
	 * Length 0xfffffffc would wrap the next-token offset back to the nameoff field (here 4,
	 * FDT_NOP), after which the value holds END_NODE and END: a reader that trusted the
	 * arithmetic would accept the blob.
	 */
	static const uint8_t tail[] = {0, 0, 0, T_END_NODE, 0, 0, 0, T_END};
	uint32_t off, total;

	start();
	begin_node("");
	off = STRUCT_OFF + prop("abcd", tail, sizeof(tail));
	end_node();
	total = finish();
	put32(blob + off + 4, 0xfffffffc);
	put32(blob + off + 8, T_NOP);
	KEXPECT_EQ(fdt_init(&fdt, blob, total), FDT_ERR_BADSTRUCTURE);
}

KTEST(fdt_nameoff_outside)
{
	uint32_t field, total = build_one_prop(&field);

	put32(blob + field + 8, hdr(H_SIZE_STRINGS));
	KEXPECT_EQ(fdt_init(&fdt, blob, total), FDT_ERR_BADNAMEOFF);
	put32(blob + field + 8, 0xffffffff);
	KEXPECT_EQ(fdt_init(&fdt, blob, total), FDT_ERR_BADNAMEOFF);
	/* Inside the block, at the NUL of "p": an empty name is allowed. */
	put32(blob + field + 8, 1);
	KEXPECT_EQ(fdt_init(&fdt, blob, total), 0);
}

KTEST(fdt_unterminated_name)
{
	/* The name runs to the end of the structure block; the NUL after it does not count. */
	start();
	begin_node("");
	emit32(T_BEGIN_NODE);
	emit("abcd", 4);
	KEXPECT_EQ(init_built(false), FDT_ERR_BADSTRUCTURE);
}

KTEST(fdt_bad_token_sequences)
{
	start();
	begin_node("");
	end_node();
	KEXPECT_EQ(init_built(false), FDT_ERR_BADSTRUCTURE); /* missing FDT_END */

	start();
	begin_node("");
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* FDT_END inside a node */

	start();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* no root */

	start();
	KEXPECT_EQ(init_built(false), FDT_ERR_BADSTRUCTURE); /* empty structure block */

	start();
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* unbalanced END_NODE */

	start();
	begin_node("");
	end_node();
	end_node();
	begin_node("");
	begin_node("");
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* ... that a later tree balances */

	start();
	begin_node("");
	end_node();
	begin_node("");
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* two roots */

	start();
	begin_node("root");
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* named root */

	start();
	prop_u32("x", 1);
	begin_node("");
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* property outside the root */

	start();
	begin_node("");
	begin_node("a");
	end_node();
	prop_u32("x", 1);
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* property after a subnode */

	start();
	begin_node("");
	emit32(7);
	end_node();
	KEXPECT_EQ(init_built(true), FDT_ERR_BADSTRUCTURE); /* unknown token */

	start();
	emit32(T_NOP);
	begin_node("");
	end_node();
	emit32(T_NOP);
	KEXPECT_EQ(init_built(true), 0);
}

static void build_nested(int depth)
{
	start();
	for (int i = 0; i < depth; i++)
		begin_node(i ? "n" : "");
	for (int i = 0; i < depth; i++)
		end_node();
}

KTEST(fdt_nesting_depth)
{
	char p[2 * FDT_MAX_DEPTH + 1] = "";
	int node;

	build_nested(FDT_MAX_DEPTH);
	KASSERT_EQ(init_built(true), 0);
	for (int i = 1; i < FDT_MAX_DEPTH; i++)
		memcpy(p + 2 * (i - 1), "/n", 3);
	node = path(p);
	KASSERT_GE(node, 0);
	KEXPECT_EQ(fdt_first_child(&fdt, node), FDT_ERR_NOTFOUND);
	KEXPECT_EQ(fdt_parent(&fdt, fdt_parent(&fdt, node)), path(p + 4));

	build_nested(FDT_MAX_DEPTH + 1);
	KEXPECT_EQ(init_built(true), FDT_ERR_TOODEEP);
	build_nested(120);
	KEXPECT_EQ(init_built(true), FDT_ERR_TOODEEP);
}
