/*
 * ACPI as far as CPU discovery needs it: RSDP, then XSDT or RSDT, then the
 * MADT's local APIC entries (platforms/kvm-x86_64/acpi.c). The parser reads
 * physical memory only through an acpi_mem, so tests feed it hand-built tables.
 */
#ifndef PLATFORM_ACPI_H
#define PLATFORM_ACPI_H

#include <kiln/types.h>

/* The bytes [pa, pa + len) of physical memory, or NULL where they cannot be read. */
struct acpi_mem {
	const void *(*map)(const struct acpi_mem *mem, paddr_t pa, size_t len);
};

enum acpi_fault {
	ACPI_OK,
	ACPI_NOT_FOUND,	    /* no RSDP in the areas scanned; no MADT in the RSDT / XSDT */
	ACPI_UNREADABLE,    /* the table lies outside readable memory */
	ACPI_BAD_SIGNATURE, /* not the table its referrer says */
	ACPI_BAD_LENGTH,    /* below its minimum, beyond ACPI_TABLE_MAX, or a partial entry */
	ACPI_BAD_CHECKSUM, /* its bytes (RSDP: the first 20, or all of a revision 2) do not sum to 0
			    */
	ACPI_BAD_ENTRY,	   /* a MADT entry shorter than its type needs, or past the table's end */
};

/* A table longer than this is refused (a MADT of 256 CPUs takes 2 KiB). */
#define ACPI_TABLE_MAX (1u << 20)
/* xAPIC mode addresses local APIC IDs 0-254 (255 is the broadcast). */
#define ACPI_XAPIC_ID_MAX 254

/* What acpi_madt_cpus() found. */
struct acpi_cpus {
	unsigned int n;		  /* enabled CPUs with an xAPIC ID: the hwids written */
	unsigned int x2apic_only; /* enabled CPUs with an ID above ACPI_XAPIC_ID_MAX: skipped */
	paddr_t lapic_pa;	  /* the local APICs' physical address */
	/* When refused: the table ("RSDP", "RSDT", "XSDT", "MADT"), where (0: not found), the
	 * fault. */
	const char *table;
	paddr_t table_pa;
	enum acpi_fault fault;
};

/* The RSDP found by scanning the EBDA's first KiB, then 0xE0000-0xFFFFF; 0 if none. */
paddr_t acpi_find_rsdp(const struct acpi_mem *mem);
/*
 * The local APIC IDs of the enabled CPUs the MADT lists (types 0 and 9), in its order, at
 * most max written to hwids. Every table on the way is checked before it is believed; the
 * first fault refuses the lot (out->n = 0) and names the table and the fault.
 */
enum acpi_fault acpi_madt_cpus(const struct acpi_mem *mem, paddr_t rsdp, unsigned int *hwids,
			       unsigned int max, struct acpi_cpus *out);
const char *acpi_fault_str(enum acpi_fault fault);

struct boot_info;
/*
 * The platform's CPU list (platforms/kvm-x86_64/smp.c), read at boot while the boot page
 * tables still map all low 4 GiB: rsdp from PVH start_info, or 0 to scan.
 */
void cpus_discover(const struct boot_info *bi, paddr_t rsdp);

#endif
