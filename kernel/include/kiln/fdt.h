/*
 * Flattened device tree (DTB) reader.
 *
 * The blob may come from firmware or a bootloader, so nothing in it is trusted: fdt_init()
 * checks the header and walks the whole structure block once, and every later lookup still
 * bounds-checks each token it reads against the blocks fdt_init() validated. A corrupt blob
 * makes a call return an error; it never makes the reader touch memory outside the blob.
 *
 * Nodes are named by the offset of their FDT_BEGIN_NODE token in the structure block (>= 0);
 * functions returning int return a node offset or 0 on success and a negative FDT_ERR_* code
 * on failure. Node arguments must be offsets returned by this API: any other offset gives
 * FDT_ERR_BADOFFSET or, if it happens to hit a word that looks like a node inside a property
 * value, a meaningless answer, but never a read outside the blob. Pointers returned into the
 * blob stay valid as long as the blob does.
 *
 * Lookups are linear scans: device trees are small and read a handful of times at boot.
 */
#ifndef KILN_FDT_H
#define KILN_FDT_H

#include <kiln/types.h>

/* Deepest node nesting accepted; the QEMU virt tree is 4 deep. */
#define FDT_MAX_DEPTH 32

enum {
	FDT_ERR_NOTFOUND = -1,	   /* no such node or property */
	FDT_ERR_TRUNCATED = -2,	   /* blob larger than the readable buffer */
	FDT_ERR_BADMAGIC = -3,	   /* not a DTB */
	FDT_ERR_BADVERSION = -4,   /* version < 16, last_comp_version > 17 or > version */
	FDT_ERR_BADLAYOUT = -5,	   /* header block offsets or sizes out of range */
	FDT_ERR_BADSTRUCTURE = -6, /* malformed token, name or nesting in the structure block */
	FDT_ERR_BADNAMEOFF = -7,   /* property name outside the strings block or unterminated */
	FDT_ERR_TOODEEP = -8,	   /* nodes nested deeper than FDT_MAX_DEPTH */
	FDT_ERR_BADOFFSET = -9,	   /* node argument is not a node */
	FDT_ERR_BADPATH = -10,	   /* path does not start with '/' */
	FDT_ERR_BADCELLS = -11,	   /* #address-cells or #size-cells unusable */
	FDT_ERR_BADVALUE = -12,	   /* property value has the wrong length */
};

/* A validated blob; fill it with fdt_init() only. */
struct fdt {
	const uint8_t *base;
	uint32_t size; /* totalsize */
	uint32_t struct_off, struct_size;
	uint32_t strings_off, strings_size;
};

/*
 * Checks the blob at blob (any alignment) against max_size, the number of bytes the caller
 * knows are readable there, and validates its structure block. Returns 0 or an error; *fdt
 * is only written on success.
 */
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);

/* A short description of an FDT_ERR_* code, e.g. "bad magic". */
const char *fdt_strerror(int err);

/*
 * Looks up an absolute path such as "/", "/psci" or "/cpus/cpu@0". A component without '@'
 * also matches a node of that name with any unit address, so "/memory" finds
 * "memory@40000000" (the first one, if there are several).
 */
int fdt_path_offset(const struct fdt *fdt, const char *path);

/* Children in blob order: FDT_ERR_NOTFOUND after the last one. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);

/* FDT_ERR_NOTFOUND for the root. */
int fdt_parent(const struct fdt *fdt, int node);

/* The node's name with its unit address, e.g. "memory@40000000"; "" for the root. */
const char *fdt_node_name(const struct fdt *fdt, int node);

/*
 * The value of property name, or NULL if it is absent or node is not a node. If len is not
 * NULL it receives the value's length, or the error when NULL is returned.
 */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, int *len);

/* A one-cell property: 0, FDT_ERR_NOTFOUND, or FDT_ERR_BADVALUE if it is not 4 bytes. */
int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *val);

/*
 * A string property, or NULL unless the value ends in a NUL (for a string list, this is the
 * first string).
 */
const char *fdt_getprop_str(const struct fdt *fdt, int node, const char *name);

/* Whether compat is one of the NUL-separated strings of the node's "compatible". */
bool fdt_node_is_compatible(const struct fdt *fdt, int node, const char *compat);

/*
 * The first node after node start in depth-first order (start = -1: from the root, which is
 * included) that is compatible with compat, or FDT_ERR_NOTFOUND. Passing back the result
 * iterates over all matching nodes.
 */
int fdt_find_compatible(const struct fdt *fdt, int start, const char *compat);

/*
 * Decodes the index-th (address, size) pair of the node's "reg", using the parent's
 * #address-cells and #size-cells (2 and 1 if absent). Supports 1 or 2 address cells and 0 to
 * 2 size cells (size 0 for #size-cells = 0). FDT_ERR_NOTFOUND if there is no such pair.
 */
int fdt_get_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/* Big-endian loads from any alignment: the arm64 kernel runs with strict alignment. */
static inline uint32_t fdt32_ld(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t fdt64_ld(const void *p)
{
	const uint8_t *b = p;

	return (uint64_t)fdt32_ld(b) << 32 | fdt32_ld(b + 4);
}

#endif
