/*
 * ACPI CPU discovery (platform/acpi.h). A table is believed only once its
 * signature, its length (against its minimum and its contents) and its
 * checksum hold; the first that does not is refused, with everything after it.
 * Only the tables on the way to the MADT are read, and all fields through
 * memcpy: firmware aligns nothing.
 */
#include <kiln/compiler.h>
#include <kiln/string.h>
#include <platform/acpi.h>

#define RSDP_V1_LEN	20
#define RSDP_V2_LEN	36
#define RSDP_REVISION	15
#define RSDP_RSDT	16
#define RSDP_LENGTH	20
#define RSDP_XSDT	24
#define SDT_HEADER_LEN	36
#define SDT_LENGTH	4
#define MADT_LAPIC_ADDR 36
#define MADT_ENTRIES	44 /* header, local APIC address, flags */

/* MADT entry types, the length each needs, and where the fields lie. */
#define MADT_LAPIC		0 /* processor uid (1), APIC ID (1), flags (4) */
#define MADT_LAPIC_LEN		8
#define MADT_LAPIC_OVERRIDE	5 /* reserved (2), 64-bit local APIC address */
#define MADT_LAPIC_OVERRIDE_LEN 12
#define MADT_X2APIC		9 /* reserved (2), x2APIC ID (4), flags (4), uid (4) */
#define MADT_X2APIC_LEN		16
#define MADT_CPU_ENABLED	1

#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SCAN_LEN	 1024
#define BIOS_AREA_START	 0xe0000
#define BIOS_AREA_END	 0x100000
#define RSDP_ALIGN	 16

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

const char *acpi_fault_str(enum acpi_fault fault)
{
	static const char *const str[] = {
		[ACPI_OK] = "ok",
		[ACPI_NOT_FOUND] = "not found",
		[ACPI_UNREADABLE] = "outside readable memory",
		[ACPI_BAD_SIGNATURE] = "bad signature",
		[ACPI_BAD_LENGTH] = "bad length",
		[ACPI_BAD_CHECKSUM] = "bad checksum",
		[ACPI_BAD_ENTRY] = "an entry is too short or runs past the table",
	};

	return (size_t)fault < ARRAY_SIZE(str) ? str[fault] : "?";
}

/* A candidate of the scan: signature and the ACPI 1.0 checksum. */
static bool rsdp_at(const struct acpi_mem *mem, paddr_t pa)
{
	const uint8_t *p = mem->map(mem, pa, RSDP_V1_LEN);

	return p && !memcmp(p, "RSD PTR ", 8) && !checksum(p, RSDP_V1_LEN);
}

static paddr_t scan(const struct acpi_mem *mem, paddr_t start, paddr_t end)
{
	for (paddr_t pa = start; pa + RSDP_V1_LEN <= end; pa += RSDP_ALIGN)
		if (rsdp_at(mem, pa))
			return pa;
	return 0;
}

paddr_t acpi_find_rsdp(const struct acpi_mem *mem)
{
	const uint8_t *bda = mem->map(mem, BDA_EBDA_SEGMENT, 2);
	paddr_t ebda = bda ? (paddr_t)(bda[0] | bda[1] << 8) << 4 : 0, pa = 0;

	if (ebda)
		pa = scan(mem, ebda, ebda + EBDA_SCAN_LEN);
	return pa ? pa : scan(mem, BIOS_AREA_START, BIOS_AREA_END);
}

/* Refuses `table` at pa for `fault`. */
static enum acpi_fault refuse(struct acpi_cpus *out, const char *table, paddr_t pa,
			      enum acpi_fault fault)
{
	*out = (struct acpi_cpus){.table = table, .table_pa = pa, .fault = fault};
	return fault;
}

/*
 * The RSDP at pa: ACPI 1.0 checksum over 20 bytes; from revision 2 on, its length and the
 * extended checksum over all of it. *root, *entry_size: the XSDT where it has one, else the RSDT.
 */
static enum acpi_fault rsdp_load(const struct acpi_mem *mem, paddr_t pa, paddr_t *root,
				 unsigned int *entry_size)
{
	const uint8_t *p = mem->map(mem, pa, RSDP_V1_LEN);
	uint32_t len;

	if (!p)
		return ACPI_UNREADABLE;
	if (memcmp(p, "RSD PTR ", 8))
		return ACPI_BAD_SIGNATURE;
	if (checksum(p, RSDP_V1_LEN))
		return ACPI_BAD_CHECKSUM;
	*root = get32(p + RSDP_RSDT);
	*entry_size = 4;
	if (p[RSDP_REVISION] < 2)
		return ACPI_OK;
	if (!(p = mem->map(mem, pa, RSDP_V2_LEN)))
		return ACPI_UNREADABLE;
	len = get32(p + RSDP_LENGTH);
	if (len < RSDP_V2_LEN || len > ACPI_TABLE_MAX)
		return ACPI_BAD_LENGTH;
	if (!(p = mem->map(mem, pa, len)))
		return ACPI_UNREADABLE;
	if (checksum(p, len))
		return ACPI_BAD_CHECKSUM;
	if (get64(p + RSDP_XSDT)) {
		*root = get64(p + RSDP_XSDT);
		*entry_size = 8;
	}
	return ACPI_OK;
}

/* The system description table at pa, whole and checked: signature sig, at least min_len. */
static enum acpi_fault sdt_load(const struct acpi_mem *mem, paddr_t pa, const char *sig,
				uint32_t min_len, const uint8_t **table, uint32_t *len)
{
	const uint8_t *p = mem->map(mem, pa, SDT_HEADER_LEN);

	if (!p)
		return ACPI_UNREADABLE;
	if (memcmp(p, sig, 4))
		return ACPI_BAD_SIGNATURE;
	*len = get32(p + SDT_LENGTH);
	if (*len < min_len || *len > ACPI_TABLE_MAX)
		return ACPI_BAD_LENGTH;
	if (!(p = mem->map(mem, pa, *len)))
		return ACPI_UNREADABLE;
	if (checksum(p, *len))
		return ACPI_BAD_CHECKSUM;
	*table = p;
	return ACPI_OK;
}

/* The MADT's address among the root table's entries (only their signatures are read), or 0. */
static paddr_t find_madt(const struct acpi_mem *mem, const uint8_t *root, uint32_t len,
			 unsigned int entry_size)
{
	for (uint32_t off = SDT_HEADER_LEN; off < len; off += entry_size) {
		paddr_t pa = entry_size == 8 ? get64(root + off) : get32(root + off);
		const uint8_t *sig = mem->map(mem, pa, 4);

		if (sig && !memcmp(sig, "APIC", 4))
			return pa;
	}
	return 0;
}

/* One enabled CPU: listed if xAPIC mode can address it, else counted as skipped. */
static void add_cpu(struct acpi_cpus *out, unsigned int *hwids, unsigned int max, uint32_t id)
{
	if (id > ACPI_XAPIC_ID_MAX) {
		out->x2apic_only++;
		return;
	}
	if (out->n < max)
		hwids[out->n] = id;
	out->n++;
}

/* The MADT's entries: every one must lie inside the table and be as long as its type needs. */
static enum acpi_fault madt_parse(const uint8_t *t, uint32_t len, unsigned int *hwids,
				  unsigned int max, struct acpi_cpus *out)
{
	uint32_t off;
	uint8_t type, elen;

	out->lapic_pa = get32(t + MADT_LAPIC_ADDR);
	for (off = MADT_ENTRIES; off < len; off += elen) {
		if (len - off < 2)
			return ACPI_BAD_ENTRY;
		type = t[off];
		elen = t[off + 1];
		if (elen < 2 || elen > len - off)
			return ACPI_BAD_ENTRY;
		if ((type == MADT_LAPIC && elen < MADT_LAPIC_LEN) ||
		    (type == MADT_LAPIC_OVERRIDE && elen < MADT_LAPIC_OVERRIDE_LEN) ||
		    (type == MADT_X2APIC && elen < MADT_X2APIC_LEN))
			return ACPI_BAD_ENTRY;
		if (type == MADT_LAPIC && (get32(t + off + 4) & MADT_CPU_ENABLED))
			add_cpu(out, hwids, max, t[off + 3]);
		else if (type == MADT_X2APIC && (get32(t + off + 8) & MADT_CPU_ENABLED))
			add_cpu(out, hwids, max, get32(t + off + 4));
		else if (type == MADT_LAPIC_OVERRIDE)
			out->lapic_pa = get64(t + off + 4);
	}
	return ACPI_OK;
}

enum acpi_fault acpi_madt_cpus(const struct acpi_mem *mem, paddr_t rsdp, unsigned int *hwids,
			       unsigned int max, struct acpi_cpus *out)
{
	const uint8_t *root, *madt;
	unsigned int entry_size;
	const char *root_name;
	paddr_t root_pa, madt_pa;
	uint32_t root_len, madt_len;
	enum acpi_fault f;

	*out = (struct acpi_cpus){.fault = ACPI_OK};
	if (!rsdp)
		return refuse(out, "RSDP", 0, ACPI_NOT_FOUND);
	if ((f = rsdp_load(mem, rsdp, &root_pa, &entry_size)))
		return refuse(out, "RSDP", rsdp, f);
	root_name = entry_size == 8 ? "XSDT" : "RSDT";
	if ((f = sdt_load(mem, root_pa, root_name, SDT_HEADER_LEN, &root, &root_len)))
		return refuse(out, root_name, root_pa, f);
	if ((root_len - SDT_HEADER_LEN) % entry_size)
		return refuse(out, root_name, root_pa, ACPI_BAD_LENGTH);
	if (!(madt_pa = find_madt(mem, root, root_len, entry_size)))
		return refuse(out, "MADT", 0, ACPI_NOT_FOUND);
	if ((f = sdt_load(mem, madt_pa, "APIC", MADT_ENTRIES, &madt, &madt_len)))
		return refuse(out, "MADT", madt_pa, f);
	if ((f = madt_parse(madt, madt_len, hwids, max, out)))
		return refuse(out, "MADT", madt_pa, f);
	return ACPI_OK;
}
