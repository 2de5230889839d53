/*
 * The ACPI CPU discovery parser (platform/acpi.h) on hand-built tables in a
 * fake physical memory. Each malformed case starts from the good set and
 * breaks one thing, re-sealing every checksum but the one under test, so
 * that only the check under test can refuse it.
 */
#include <kiln/ktest.h>
#include <kiln/string.h>
#include <platform/acpi.h>

/* Fake physical memory: the BDA word naming the EBDA, the EBDA, part of the BIOS area, tables. */
#define BDA_PA	  0x400
#define EBDA_PA	  0x9fc00
#define BIOS_PA	  0xf0000
#define TABLES_PA 0x100000

static uint8_t bda[0x100], ebda[0x400], bios[0x1000], tables[0x1000];

static const struct {
	paddr_t pa;
	uint8_t *bytes;
	size_t size;
} windows[] = {
	{BDA_PA, bda, sizeof(bda)},
	{EBDA_PA, ebda, sizeof(ebda)},
	{BIOS_PA, bios, sizeof(bios)},
	{TABLES_PA, tables, sizeof(tables)},
};

static const void *fake_map(const struct acpi_mem *mem, paddr_t pa, size_t len)
{
	(void)mem;
	for (size_t i = 0; i < ARRAY_SIZE(windows); i++)
		if (pa >= windows[i].pa && len <= windows[i].size &&
		    pa - windows[i].pa <= windows[i].size - len)
			return windows[i].bytes + (pa - windows[i].pa);
	return NULL;
}

static const struct acpi_mem fake = {fake_map};

/* Where the good set lies in tables[]. */
enum { RSDP = 0x0, XSDT = 0x100, RSDT = 0x200, HPET = 0x300, MADT = 0x400 };
#define PA(off) (TABLES_PA + (off))

static void put8(uint8_t *p, uint8_t v)
{
	*p = v;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, sizeof(v));
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The byte at csum that makes the len bytes at t sum to 0. */
static void seal_range(uint8_t *t, size_t len, size_t csum)
{
	uint8_t sum = 0;

	t[csum] = 0;
	for (size_t i = 0; i < len; i++)
		sum += t[i];
	t[csum] = -sum;
}

/* An SDT's checksum (byte 9) over its length. */
static void seal(uint8_t *t)
{
	seal_range(t, get32(t + 4), 9);
}

/* The RSDP's two checksums: bytes 0-19 (byte 8), then all of it (byte 32). */
static void seal_rsdp(uint8_t *p)
{
	seal_range(p, 20, 8);
	if (p[15] >= 2)
		seal_range(p, get32(p + 20), 32);
}

static void sdt_header(uint8_t *t, const char *sig, uint32_t len)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	memcpy(t + 10, "KILNTS", 6);
}

/* A MADT entry of type and len at *off; returns where its fields start. */
static uint8_t *madt_entry(uint8_t *t, uint32_t *off, uint8_t type, uint8_t len)
{
	uint8_t *e = t + *off;

	put8(e, type);
	put8(e + 1, len);
	*off += len;
	return e;
}

/*
 * RSDP revision 2 -> XSDT {HPET, MADT}; the RSDT lists the same. The MADT:
 * LAPIC 0 and 1 enabled, LAPIC 5 disabled, an I/O APIC, x2APIC 7 enabled,
 * x2APIC 300 enabled (beyond xAPIC), an address override.
 */
#define GOOD_LAPIC_PA 0x1fee00000ull
static const unsigned int good_ids[] = {0, 1, 7};

static void build(void)
{
	uint8_t *m = tables + MADT, *e;
	uint32_t off = 44;

	memset(tables, 0, sizeof(tables));
	memcpy(tables + RSDP, "RSD PTR ", 8);
	put8(tables + RSDP + 15, 2);
	put32(tables + RSDP + 16, PA(RSDT));
	put32(tables + RSDP + 20, 36);
	put64(tables + RSDP + 24, PA(XSDT));
	seal_rsdp(tables + RSDP);

	sdt_header(tables + XSDT, "XSDT", 36 + 2 * 8);
	put64(tables + XSDT + 36, PA(HPET));
	put64(tables + XSDT + 44, PA(MADT));
	seal(tables + XSDT);
	sdt_header(tables + RSDT, "RSDT", 36 + 2 * 4);
	put32(tables + RSDT + 36, PA(HPET));
	put32(tables + RSDT + 40, PA(MADT));
	seal(tables + RSDT);
	sdt_header(tables + HPET, "HPET", 36);
	seal(tables + HPET);

	put32(m + 36, 0xfee00000);
	put32(m + 40, 1);
	for (unsigned int id = 0; id < 3; id++) {
		e = madt_entry(m, &off, 0, 8);
		put8(e + 2, id);	       /* processor uid */
		put8(e + 3, id == 2 ? 5 : id); /* APIC ID */
		put32(e + 4, id == 2 ? 0 : 1); /* flags: enabled */
	}
	e = madt_entry(m, &off, 1, 12); /* I/O APIC */
	put32(e + 4, 0xfec00000);
	e = madt_entry(m, &off, 9, 16);
	put32(e + 4, 7);
	put32(e + 8, 1);
	e = madt_entry(m, &off, 9, 16);
	put32(e + 4, 300);
	put32(e + 8, 1);
	e = madt_entry(m, &off, 5, 12);
	put16(e + 2, 0);
	put64(e + 4, GOOD_LAPIC_PA);
	sdt_header(m, "APIC", off);
	seal(m);
}

static uint32_t madt_len(void)
{
	return get32(tables + MADT + 4);
}

/* Runs the parser from the good RSDP; the fault, with out filled. */
static enum acpi_fault parse(struct acpi_cpus *out)
{
	unsigned int hwids[8];

	return acpi_madt_cpus(&fake, PA(RSDP), hwids, ARRAY_SIZE(hwids), out);
}

#define KEXPECT_REFUSED(table_name, want)              \
	do {                                           \
		struct acpi_cpus out_;                 \
		KEXPECT_EQ(parse(&out_), want);        \
		KEXPECT_EQ(out_.fault, want);          \
		KEXPECT_STREQ(out_.table, table_name); \
		KEXPECT_EQ(out_.n, 0);                 \
	} while (0)

static void check_good(struct ktest *kt, paddr_t rsdp)
{
	unsigned int hwids[8] = {0};
	struct acpi_cpus out;

	KASSERT_EQ(acpi_madt_cpus(&fake, rsdp, hwids, ARRAY_SIZE(hwids), &out), ACPI_OK);
	KEXPECT_EQ(out.n, ARRAY_SIZE(good_ids));
	for (unsigned int i = 0; i < ARRAY_SIZE(good_ids); i++)
		KEXPECT_EQ(hwids[i], good_ids[i]);
	KEXPECT_EQ(out.x2apic_only, 1);
	KEXPECT_EQ(out.lapic_pa, GOOD_LAPIC_PA);
}

KTEST(acpi_good_tables_accepted)
{
	unsigned int hwids[3] = {0, 0, 0xdead};
	struct acpi_cpus out;

	build();
	check_good(kt, PA(RSDP));
	/* Revision 0: the RSDT, 32-bit entries. */
	put8(tables + RSDP + 15, 0);
	seal_rsdp(tables + RSDP);
	check_good(kt, PA(RSDP));
	/* Revision 2 without an XSDT address: the RSDT too. */
	build();
	put64(tables + RSDP + 24, 0);
	seal_rsdp(tables + RSDP);
	check_good(kt, PA(RSDP));
	/* Only max IDs are written; all are counted. */
	build();
	KEXPECT_EQ(acpi_madt_cpus(&fake, PA(RSDP), hwids, 2, &out), ACPI_OK);
	KEXPECT_EQ(out.n, 3);
	KEXPECT_EQ(hwids[1], 1);
	KEXPECT_EQ(hwids[2], 0xdead);
}

KTEST(acpi_bad_checksum_refused)
{
	/* One byte off (the OEM ID, which nothing else reads) in each table on the way. */
	build();
	tables[RSDP + 9]++;
	KEXPECT_REFUSED("RSDP", ACPI_BAD_CHECKSUM);
	build();
	tables[RSDP + 33]++; /* reserved: only the extended checksum covers it */
	KEXPECT_REFUSED("RSDP", ACPI_BAD_CHECKSUM);
	build();
	tables[XSDT + 10]++;
	KEXPECT_REFUSED("XSDT", ACPI_BAD_CHECKSUM);
	build();
	put8(tables + RSDP + 15, 0);
	seal_rsdp(tables + RSDP);
	tables[RSDT + 10]++;
	KEXPECT_REFUSED("RSDT", ACPI_BAD_CHECKSUM);
	build();
	tables[MADT + 10]++;
	KEXPECT_REFUSED("MADT", ACPI_BAD_CHECKSUM);
	/* A table nothing is read from but its signature is not checked. */
	build();
	tables[HPET + 10]++;
	check_good(kt, PA(RSDP));
}

KTEST(acpi_bad_signature_refused)
{
	build();
	tables[RSDP + 7] = 'X';
	seal_rsdp(tables + RSDP);
	KEXPECT_REFUSED("RSDP", ACPI_BAD_SIGNATURE);
	build();
	memcpy(tables + XSDT, "RSDT", 4);
	seal(tables + XSDT);
	KEXPECT_REFUSED("XSDT", ACPI_BAD_SIGNATURE);
	/* An ACPI 1.0 RSDP whose RSDT address names the XSDT. */
	build();
	put8(tables + RSDP + 15, 0);
	put32(tables + RSDP + 16, PA(XSDT));
	seal_rsdp(tables + RSDP);
	KEXPECT_REFUSED("RSDT", ACPI_BAD_SIGNATURE);
	/* No table signed "APIC": no MADT. */
	build();
	memcpy(tables + MADT, "APIX", 4);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_NOT_FOUND);
}

KTEST(acpi_bad_length_refused)
{
	/* Below each table's minimum, checksums sealed over the length claimed. */
	build();
	put32(tables + RSDP + 20, 20);
	seal_range(tables + RSDP, 20, 8);
	KEXPECT_REFUSED("RSDP", ACPI_BAD_LENGTH);
	build();
	put32(tables + XSDT + 4, 35);
	seal(tables + XSDT);
	KEXPECT_REFUSED("XSDT", ACPI_BAD_LENGTH);
	build();
	put32(tables + MADT + 4, 40); /* cuts the local APIC address and flags */
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_LENGTH);
	/* A partial root-table entry. */
	build();
	put32(tables + XSDT + 4, 36 + 8 + 4);
	seal(tables + XSDT);
	KEXPECT_REFUSED("XSDT", ACPI_BAD_LENGTH);
	/* Beyond any table's size, and beyond readable memory. */
	build();
	put32(tables + MADT + 4, ACPI_TABLE_MAX + 1);
	KEXPECT_REFUSED("MADT", ACPI_BAD_LENGTH);
	build();
	put32(tables + MADT + 4, sizeof(tables) - MADT + 1);
	KEXPECT_REFUSED("MADT", ACPI_UNREADABLE);
}

KTEST(acpi_madt_entry_past_table_refused)
{
	uint32_t len;

	/* The last entry (12 bytes) claims 16: it runs 4 bytes past the end. */
	build();
	len = madt_len();
	put8(tables + MADT + len - 12 + 1, 16);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_ENTRY);
	/* The table ends inside its last entry. */
	build();
	put32(tables + MADT + 4, madt_len() - 4);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_ENTRY);
	/* One byte left after the last entry: no room for a type and length. */
	build();
	put32(tables + MADT + 4, madt_len() + 1);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_ENTRY);
	/* A zero-length entry (it would never end), and a local APIC entry too short for its ID. */
	build();
	put8(tables + MADT + 44 + 1, 0);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_ENTRY);
	build();
	put8(tables + MADT + 44 + 1, 3);
	seal(tables + MADT);
	KEXPECT_REFUSED("MADT", ACPI_BAD_ENTRY);
}

/* A valid ACPI 1.0 RSDP at p (20 bytes) whose RSDT is the good one. */
static void put_rsdp(uint8_t *p)
{
	memset(p, 0, 20);
	memcpy(p, "RSD PTR ", 8);
	put32(p + 16, PA(RSDT));
	seal_range(p, 20, 8);
}

KTEST(acpi_rsdp_scan)
{
	memset(bda, 0, sizeof(bda));
	memset(ebda, 0, sizeof(ebda));
	memset(bios, 0, sizeof(bios));
	build();
	/* Nothing anywhere. */
	put16(bda + 0xe, EBDA_PA >> 4);
	KEXPECT_EQ(acpi_find_rsdp(&fake), 0);
	/* In the BIOS area, 16-byte aligned, past a candidate with a bad checksum. */
	put_rsdp(bios + 0x100);
	bios[0x100 + 10]++;
	put_rsdp(bios + 0x188); /* not on a 16-byte boundary: never looked at */
	put_rsdp(bios + 0x200);
	KEXPECT_EQ(acpi_find_rsdp(&fake), BIOS_PA + 0x200);
	/* The EBDA's first KiB comes first. */
	put_rsdp(ebda + 0x3e0);
	KEXPECT_EQ(acpi_find_rsdp(&fake), EBDA_PA + 0x3e0);
	/* And what it finds leads to the CPUs. */
	check_good(kt, acpi_find_rsdp(&fake));
	/* No EBDA named: the BIOS area only. */
	put16(bda + 0xe, 0);
	KEXPECT_EQ(acpi_find_rsdp(&fake), BIOS_PA + 0x200);
}
