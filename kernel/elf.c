/*
 * The ELF loader. An image is untrusted until every field the loader uses
 * has been checked, so the checks all run before the first page is mapped:
 * a malformed image leaves the address space as it was.
 */
#include <kiln/arch.h>
#include <kiln/domain.h>
#include <kiln/elf.h>
#include <kiln/process.h>
#include <kiln/string.h>
#include <uapi/kiln/abi.h>

static const uint8_t elf_ident[] = {0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1};

/* A PT_LOAD segment, checked: its pages [start, end). */
struct segment {
	uintptr_t start, end;
	uint64_t vaddr, offset, filesz, memsz;
	unsigned int prot;
};

struct image {
	unsigned int nsegs;
	struct segment segs[ELF_MAX_PHDRS];
	uintptr_t entry;
};

/* Segments end below the thread stacks' area. */
#define SEGMENTS_END USER_STACK_AREA_START

static int check_header(const struct elf64_ehdr *eh, size_t size)
{
	if (size < sizeof(*eh) || memcmp(eh->e_ident, elf_ident, sizeof(elf_ident)))
		return -ENOEXEC;
	if (eh->e_type != ET_EXEC || eh->e_machine != ELF_MACHINE || eh->e_version != 1)
		return -ENOEXEC;
	if (eh->e_phentsize != sizeof(struct elf64_phdr) || !eh->e_phnum ||
	    eh->e_phnum > ELF_MAX_PHDRS)
		return -ENOEXEC;
	if (eh->e_phoff > size || (size_t)eh->e_phnum * eh->e_phentsize > size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

static int check_segment(struct segment *s, const struct elf64_phdr *ph, size_t size)
{
	if (ph->p_filesz > ph->p_memsz)
		return -ENOEXEC;
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return -ENOEXEC;
	if (ph->p_vaddr < USER_VA_START || ph->p_vaddr >= SEGMENTS_END ||
	    ph->p_memsz > SEGMENTS_END - ph->p_vaddr)
		return -ENOEXEC;
	/* W^X: a page is never both writable and executable. */
	if ((ph->p_flags & (PF_W | PF_X)) == (PF_W | PF_X))
		return -ENOEXEC;
	*s = (struct segment){
		.start = ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE),
		.end = ALIGN_UP(ph->p_vaddr + ph->p_memsz, PAGE_SIZE),
		.vaddr = ph->p_vaddr,
		.offset = ph->p_offset,
		.filesz = ph->p_filesz,
		.memsz = ph->p_memsz,
		/* Readable always: a partition is, and x86_64 cannot map execute-only. */
		.prot = PROT_READ | (ph->p_flags & PF_W ? PROT_WRITE : 0) |
			(ph->p_flags & PF_X ? PROT_EXEC : 0),
	};
	return 0;
}

/* Segments may not share a page: each page gets exactly one segment's protection. */
static bool overlaps(const struct image *im, const struct segment *s)
{
	for (unsigned int i = 0; i < im->nsegs; i++)
		if (s->start < im->segs[i].end && im->segs[i].start < s->end)
			return true;
	return false;
}

static bool entry_executable(const struct image *im)
{
	for (unsigned int i = 0; i < im->nsegs; i++) {
		const struct segment *s = &im->segs[i];
		if ((s->prot & PROT_EXEC) && im->entry >= s->vaddr &&
		    im->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

static int parse(struct image *im, const void *image, size_t size)
{
	struct elf64_ehdr eh;
	int err;

	if (size < sizeof(eh))
		return -ENOEXEC;
	memcpy(&eh, image, sizeof(eh));
	err = check_header(&eh, size);
	if (err)
		return err;
	im->nsegs = 0;
	im->entry = eh.e_entry;
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		struct segment *s = &im->segs[im->nsegs];

		memcpy(&ph, (const char *)image + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		/* Static executables only: nothing here could honour an interpreter. */
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC)
			return -ENOEXEC;
		/* An empty segment maps nothing (ld emits one for a program without data). */
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		err = check_segment(s, &ph, size);
		if (err)
			return err;
		if (overlaps(im, s))
			return -ENOEXEC;
		im->nsegs++;
	}
	if (!im->nsegs || !entry_executable(im))
		return -ENOEXEC;
	return 0;
}

/* Copy a segment's file bytes into its partition, which came zeroed. */
static void fill(const struct mem_partition *p, const struct segment *s, const char *image)
{
	memcpy(mem_partition_kaddr(p, s->vaddr), image + s->offset, s->filesz);
}

int elf_load(struct mem_domain *d, struct mem_partition *segs, unsigned int *nsegs,
	     const void *image, size_t size, uintptr_t *entry)
{
	struct image im;
	int err = parse(&im, image, size);

	*nsegs = 0;
	if (err)
		return err;
	for (unsigned int i = 0; i < im.nsegs; i++) {
		const struct segment *s = &im.segs[i];
		struct mem_partition *p = &segs[*nsegs];

		err = mem_partition_alloc(p, s->start, s->end - s->start, s->prot);
		if (err)
			return err;
		fill(p, s, image);
		err = mem_domain_add_partition(d, p);
		if (err) {
			mem_partition_free(p);
			return err;
		}
		(*nsegs)++;
	}
	*entry = im.entry;
	return 0;
}
