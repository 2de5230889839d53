/* Flattened device tree reader; see the devicetree specification, chapter 5. */
#include <kiln/compiler.h>
#include <kiln/fdt.h>
#include <kiln/string.h>

#define FDT_MAGIC 0xd00dfeed

/* Version 17 added size_dt_struct at the end of the header. */
#define FDT_V16_HEADER_SIZE 36
#define FDT_V17_HEADER_SIZE 40

/* Header field offsets. */
enum {
	HDR_MAGIC = 0,
	HDR_TOTALSIZE = 4,
	HDR_OFF_STRUCT = 8,
	HDR_OFF_STRINGS = 12,
	HDR_OFF_RSVMAP = 16,
	HDR_VERSION = 20,
	HDR_LAST_COMP_VERSION = 24,
	HDR_SIZE_STRINGS = 32,
	HDR_SIZE_STRUCT = 36,
};

/* Structure block tokens. */
enum {
	FDT_BEGIN_NODE = 1,
	FDT_END_NODE = 2,
	FDT_PROP = 3,
	FDT_NOP = 4,
	FDT_END = 9,
};

/* One decoded token of the structure block. */
struct token {
	uint32_t tag;
	int next;	  /* offset of the following token */
	const char *name; /* BEGIN_NODE: node name; PROP: property name */
	const void *data; /* PROP: value */
	uint32_t len;	  /* PROP: value length */
};

static const char *const errors[] = {
	[0] = "success",
	[-FDT_ERR_NOTFOUND] = "not found",
	[-FDT_ERR_TRUNCATED] = "truncated",
	[-FDT_ERR_BADMAGIC] = "bad magic",
	[-FDT_ERR_BADVERSION] = "unsupported version",
	[-FDT_ERR_BADLAYOUT] = "bad block layout",
	[-FDT_ERR_BADSTRUCTURE] = "bad structure block",
	[-FDT_ERR_BADNAMEOFF] = "bad property name offset",
	[-FDT_ERR_TOODEEP] = "nodes nested too deep",
	[-FDT_ERR_BADOFFSET] = "bad node offset",
	[-FDT_ERR_BADPATH] = "bad path",
	[-FDT_ERR_BADCELLS] = "bad #address-cells or #size-cells",
	[-FDT_ERR_BADVALUE] = "bad property value",
};

const char *fdt_strerror(int err)
{
	if (err <= 0 && err > -(int)ARRAY_SIZE(errors))
		return errors[-err];
	return "unknown error";
}

/* The NUL-terminated string at off in the strings block, or NULL if it leaves the block. */
static const char *string_at(const struct fdt *fdt, uint32_t off)
{
	const char *s = (const char *)fdt->base + fdt->strings_off + off;
	uint32_t avail;

	if (off >= fdt->strings_size)
		return NULL;
	avail = fdt->strings_size - off;
	return strnlen(s, avail) < avail ? s : NULL;
}

/*
 * Decodes the token at off. Everything it covers, padding included, lies inside the
 * structure block, so t->next is at most struct_size and a walk always ends.
 */
static int read_token(const struct fdt *fdt, int off, struct token *t)
{
	const uint8_t *p;
	uint32_t avail, len, next;

	if (off < 0 || off % 4 || (uint32_t)off > fdt->struct_size || fdt->struct_size - off < 4)
		return FDT_ERR_BADSTRUCTURE;
	p = fdt->base + fdt->struct_off + off;
	avail = fdt->struct_size - off - 4;
	t->tag = fdt32_ld(p);
	switch (t->tag) {
	case FDT_BEGIN_NODE:
		t->name = (const char *)p + 4;
		len = strnlen(t->name, avail);
		if (len == avail)
			return FDT_ERR_BADSTRUCTURE;
		next = off + 4 + ALIGN_UP(len + 1, 4);
		break;
	case FDT_PROP:
		if (avail < 8)
			return FDT_ERR_BADSTRUCTURE;
		t->len = fdt32_ld(p + 4);
		if (t->len > avail - 8)
			return FDT_ERR_BADSTRUCTURE;
		t->name = string_at(fdt, fdt32_ld(p + 8));
		if (!t->name)
			return FDT_ERR_BADNAMEOFF;
		t->data = p + 12;
		next = off + 12 + ALIGN_UP(t->len, 4);
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		next = off + 4;
		break;
	default:
		return FDT_ERR_BADSTRUCTURE;
	}
	if (next > fdt->struct_size)
		return FDT_ERR_BADSTRUCTURE;
	t->next = next;
	return 0;
}

/*
 * Walks the whole structure block: one root node with an empty name, properties before
 * subnodes, balanced nesting no deeper than FDT_MAX_DEPTH, then FDT_END. Lookups rely on the
 * property order. Trims struct_size to the end of FDT_END.
 */
static int check_struct(struct fdt *fdt)
{
	bool root_done = false, after_child = false;
	struct token t;
	int depth = 0;

	for (int off = 0;; off = t.next) {
		int err = read_token(fdt, off, &t);

		if (err)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (root_done || (depth == 0 && *t.name))
				return FDT_ERR_BADSTRUCTURE;
			if (++depth > FDT_MAX_DEPTH)
				return FDT_ERR_TOODEEP;
			after_child = false;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_BADSTRUCTURE;
			root_done = --depth == 0;
			after_child = true;
			break;
		case FDT_PROP:
			if (depth == 0 || after_child)
				return FDT_ERR_BADSTRUCTURE;
			break;
		case FDT_END:
			if (!root_done)
				return FDT_ERR_BADSTRUCTURE;
			fdt->struct_size = t.next;
			return 0;
		}
	}
}

/* Whether [off, off + size) lies inside the blob and after the header. */
static bool block_ok(uint32_t off, uint32_t size, uint32_t header_size, uint32_t total)
{
	return off >= header_size && off <= total && size <= total - off;
}

/* Fills fdt from a header whose bytes up to header_size are known to be readable. */
static int check_layout(struct fdt *fdt, uint32_t header_size)
{
	const uint8_t *b = fdt->base;
	uint32_t total = fdt->size;

	fdt->struct_off = fdt32_ld(b + HDR_OFF_STRUCT);
	fdt->strings_off = fdt32_ld(b + HDR_OFF_STRINGS);
	fdt->strings_size = fdt32_ld(b + HDR_SIZE_STRINGS);
	if (!block_ok(fdt->struct_off, 0, header_size, total) || fdt->struct_off % 4)
		return FDT_ERR_BADLAYOUT;
	/* Before v17 the structure block runs to the next block or the end; FDT_END trims it. */
	if (header_size >= FDT_V17_HEADER_SIZE)
		fdt->struct_size = fdt32_ld(b + HDR_SIZE_STRUCT);
	else if (fdt->strings_off > fdt->struct_off)
		fdt->struct_size = fdt->strings_off - fdt->struct_off;
	else
		fdt->struct_size = total - fdt->struct_off;

	if (!block_ok(fdt->struct_off, fdt->struct_size, header_size, total) ||
	    !block_ok(fdt->strings_off, fdt->strings_size, header_size, total) ||
	    !block_ok(fdt32_ld(b + HDR_OFF_RSVMAP), 16, header_size, total))
		return FDT_ERR_BADLAYOUT;
	if (fdt->strings_off < fdt->struct_off + fdt->struct_size &&
	    fdt->struct_off < fdt->strings_off + fdt->strings_size)
		return FDT_ERR_BADLAYOUT;
	return 0;
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size)
{
	const uint8_t *b = blob;
	uint32_t version, last_comp, header_size;
	struct fdt f = {.base = b};
	int err;

	/* Each field is read only once the buffer is known to hold it. */
	if (!b || max_size < HDR_TOTALSIZE + 4)
		return FDT_ERR_TRUNCATED;
	if (fdt32_ld(b + HDR_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;
	f.size = fdt32_ld(b + HDR_TOTALSIZE);
	if (f.size > max_size)
		return FDT_ERR_TRUNCATED;
	/* Node offsets are ints. */
	if (f.size < FDT_V16_HEADER_SIZE || f.size > INT32_MAX)
		return FDT_ERR_BADLAYOUT;
	version = fdt32_ld(b + HDR_VERSION);
	last_comp = fdt32_ld(b + HDR_LAST_COMP_VERSION);
	if (version < 16 || last_comp > 17 || last_comp > version)
		return FDT_ERR_BADVERSION;
	header_size = version >= 17 ? FDT_V17_HEADER_SIZE : FDT_V16_HEADER_SIZE;
	if (f.size < header_size)
		return FDT_ERR_BADLAYOUT;

	err = check_layout(&f, header_size);
	if (!err)
		err = check_struct(&f);
	if (!err)
		*fdt = f;
	return err;
}

/* Reads the BEGIN_NODE token at node; any other offset is the caller's mistake. */
static int read_node(const struct fdt *fdt, int node, struct token *t)
{
	if (read_token(fdt, node, t) || t->tag != FDT_BEGIN_NODE)
		return FDT_ERR_BADOFFSET;
	return 0;
}

/*
 * The node starting at off, after any properties and NOPs, or FDT_ERR_NOTFOUND when the
 * enclosing node (or the tree) ends there instead.
 */
static int node_at(const struct fdt *fdt, int off)
{
	struct token t;

	for (;; off = t.next) {
		int err = read_token(fdt, off, &t);

		if (err)
			return err;
		if (t.tag == FDT_BEGIN_NODE)
			return off;
		if (t.tag != FDT_PROP && t.tag != FDT_NOP)
			return FDT_ERR_NOTFOUND;
	}
}

/* The offset just past the END_NODE that closes node. */
static int node_end(const struct fdt *fdt, int node)
{
	struct token t;
	int depth = 0;

	for (int off = node;; off = t.next) {
		int err = read_token(fdt, off, &t);

		if (err)
			return err;
		if (t.tag == FDT_BEGIN_NODE)
			depth++;
		else if (t.tag == FDT_END_NODE && --depth == 0)
			return t.next;
		else if (t.tag == FDT_END)
			return FDT_ERR_BADSTRUCTURE;
	}
}

int fdt_first_child(const struct fdt *fdt, int node)
{
	struct token t;
	int err = read_node(fdt, node, &t);

	return err ? err : node_at(fdt, t.next);
}

int fdt_next_sibling(const struct fdt *fdt, int node)
{
	struct token t;
	int end, err = read_node(fdt, node, &t);

	if (err)
		return err;
	end = node_end(fdt, node);
	return end < 0 ? end : node_at(fdt, end);
}

int fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAX_DEPTH];
	struct token t;
	int depth = 0;

	for (int off = 0;; off = t.next) {
		int err = read_token(fdt, off, &t);

		if (err)
			return err;
		switch (t.tag) {
		case FDT_BEGIN_NODE:
			if (off == node)
				return depth ? stack[depth - 1] : FDT_ERR_NOTFOUND;
			if (depth == FDT_MAX_DEPTH)
				return FDT_ERR_TOODEEP;
			stack[depth++] = off;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_BADSTRUCTURE;
			depth--;
			break;
		case FDT_END:
			return FDT_ERR_BADOFFSET;
		}
	}
}

const char *fdt_node_name(const struct fdt *fdt, int node)
{
	struct token t;

	return read_node(fdt, node, &t) ? NULL : t.name;
}

/* Whether node name matches path component comp[0..len), which holds no '/' or NUL. */
static bool name_matches(const char *name, const char *comp, size_t len)
{
	if (strncmp(name, comp, len))
		return false;
	if (name[len] == '\0')
		return true;
	/* "memory" stands for "memory@<any>", but "memory@4" is not "memory@40000000". */
	for (size_t i = 0; i < len; i++) {
		if (comp[i] == '@')
			return false;
	}
	return name[len] == '@';
}

int fdt_path_offset(const struct fdt *fdt, const char *path)
{
	int node;

	if (*path != '/')
		return FDT_ERR_BADPATH;
	node = node_at(fdt, 0);
	while (node >= 0) {
		size_t len = 0;

		while (*path == '/')
			path++;
		if (!*path)
			return node;
		while (path[len] && path[len] != '/')
			len++;
		for (node = fdt_first_child(fdt, node); node >= 0;
		     node = fdt_next_sibling(fdt, node)) {
			if (name_matches(fdt_node_name(fdt, node), path, len))
				break;
		}
		path += len;
	}
	return node;
}

/* Finds property name of node; the value is in t->data and t->len. */
static int find_prop(const struct fdt *fdt, int node, const char *name, struct token *t)
{
	int err = read_node(fdt, node, t);

	if (err)
		return err;
	for (int off = t->next;; off = t->next) {
		err = read_token(fdt, off, t);
		if (err)
			return err;
		if (t->tag == FDT_PROP && !strcmp(t->name, name))
			return 0;
		if (t->tag != FDT_PROP && t->tag != FDT_NOP)
			return FDT_ERR_NOTFOUND;
	}
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len)
{
	struct token t;
	int err = find_prop(fdt, node, name, &t);

	/* t.len fits: it is bounded by struct_size, which is at most INT32_MAX. */
	if (len)
		*len = err ? err : (int)t.len;
	return err ? NULL : t.data;
}

int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p)
		return len;
	if (len != 4)
		return FDT_ERR_BADVALUE;
	*val = fdt32_ld(p);
	return 0;
}

const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	return s && len > 0 && s[len - 1] == '\0' ? s : NULL;
}

/* Whether a "compatible" value (NUL-terminated strings) lists compat. */
static bool list_has(const char *s, int len, const char *compat)
{
	while (len > 0) {
		size_t n = strnlen(s, len);

		/* An unterminated last string is malformed, not a match. */
		if (n == (size_t)len)
			return false;
		if (!strcmp(s, compat))
			return true;
		s += n + 1;
		len -= n + 1;
	}
	return false;
}

bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "compatible", &len);

	return s && list_has(s, len, compat);
}

/*
 * One pass over the tokens: a node's properties precede its subnodes (check_struct), so
 * a "compatible" property belongs to the last node begun. Boot runs several of these
 * lookups; a second walk of each node's properties would double their cost.
 */
int fdt_find_compatible(const struct fdt *fdt, int start, const char *compat)
{
	struct token t;
	int off = 0, node = -1;

	if (start != -1) {
		int err = read_node(fdt, start, &t);

		if (err)
			return err;
		off = t.next;
	}
	for (;; off = t.next) {
		int err = read_token(fdt, off, &t);

		if (err)
			return err;
		if (t.tag == FDT_END)
			return FDT_ERR_NOTFOUND;
		if (t.tag == FDT_BEGIN_NODE)
			node = off;
		else if (t.tag == FDT_PROP && node >= 0 && !strcmp(t.name, "compatible") &&
			 list_has(t.data, (int)t.len, compat))
			return node;
	}
}

/* #address-cells or #size-cells of node, def if absent. */
static int get_cells(const struct fdt *fdt, int node, const char *name, uint32_t def,
		     uint32_t *cells)
{
	int err = fdt_getprop_u32(fdt, node, name, cells);

	if (err == FDT_ERR_NOTFOUND) {
		*cells = def;
		return 0;
	}
	return err == FDT_ERR_BADVALUE ? FDT_ERR_BADCELLS : err;
}

static uint64_t read_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	for (; cells > 0; cells--, p += 4)
		v = v << 32 | fdt32_ld(p);
	return v;
}

int fdt_get_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	uint32_t addr_cells, size_cells, entry;
	const uint8_t *reg;
	int len, err, parent = fdt_parent(fdt, node);

	if (parent < 0)
		return parent;
	err = get_cells(fdt, parent, "#address-cells", 2, &addr_cells);
	if (!err)
		err = get_cells(fdt, parent, "#size-cells", 1, &size_cells);
	if (err)
		return err;
	if (addr_cells < 1 || addr_cells > 2 || size_cells > 2)
		return FDT_ERR_BADCELLS;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	entry = (addr_cells + size_cells) * 4;
	if (len % entry)
		return FDT_ERR_BADVALUE;
	/* A negative index becomes a huge one. */
	if ((uint32_t)index >= len / entry)
		return FDT_ERR_NOTFOUND;
	reg += index * entry;
	*addr = read_cells(reg, addr_cells);
	*size = read_cells(reg + addr_cells * 4, size_cells);
	return 0;
}
