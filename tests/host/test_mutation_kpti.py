"""Every instruction kpti writes into the entry paths is load-bearing.

The mutation harness (mutation.py) drops, one at a time, each instruction line the pagetable
hooks wrote into the arch's entry file under kpti (found through its attribution map: the
root switches on entry and exit, the entry stack rebase, the paranoid entry's save and
restore of the root it found), rebuilds, boots the tests below and requires a failure. The
test that user mode never walks a kernel root (tests/kernel/<arch>/test_kpti.c) is what
catches a return to user mode that forgets to switch back.
"""

import os
import time

import pytest

import kiln_harness as kh
import mutation

WORKERS = int(os.environ.get("KILN_MUTATION_WORKERS", "2"))
BOOT_TIMEOUT = 30
PROFILE = "secure"

# Per arch: the entry file and the tests that cross into and out of user mode every way.
ENTRY = {
    "x86_64": {
        "file": "generated/entry.S",
        "tests": "kpti_*,x86_user_starts*,x86_syscall*,x86_interr*,x86_nmi_in*,x86_paranoid*,user_process_e*,"
                 "user_blocked*,stackswitch_e*",
    },
}
CASES = [a for a in sorted(ENTRY) if a in kh.ARCHES]


@pytest.mark.parametrize("arch", CASES)
def test_mutation_every_kpti_entry_line_is_load_bearing(arch, builds, tmp_path):
    entry = ENTRY[arch]
    b, _ = builds.with_variant(PROFILE, arch, "pagetable", "kpti")
    text = (b.path / entry["file"]).read_text()
    lines = mutation.owned_lines(b.path, entry["file"], "pagetable")
    mutants = mutation.line_mutants(entry["file"], text, lines, "pagetable/kpti")
    assert mutants, "pagetable/kpti writes no instruction into %s" % entry["file"]
    runner = mutation.MutationRunner(b.path, arch, entry["file"], entry["tests"], tmp_path,
                                     workers=WORKERS, timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    line = mutation.record("%s pagetable/kpti (%s, %s)" % (entry["file"], PROFILE, arch),
                           results, time.monotonic() - start)
    print(line)
    survivors = ["%s (%s)" % (r.mutant, r.why) for r in results if not r.killed]
    assert not survivors, "no selected test (%s) fails without:\n  %s" % (
        entry["tests"], "\n  ".join(survivors))


# Per arch: the line that fills a user root, and kernel pages to map there besides, each a
# leak the walk of every user root (kpti_user_roots_map_only_the_entry_pages) must report.
LEAKS = {
    "x86_64": {
        "file": "components/pagetable/kpti/x86_64.c",
        "line": "x86_entry_pages(cpu, map_for_entry, k->user_root);",
        "map": "map_for_entry(ALIGN_DOWN((uintptr_t)(%s), PAGE_SIZE), PAGE_SIZE, PROT_READ, "
               "k->user_root);",
        "pages": {
            "kernel text": "pt_cpu_init",
            "kernel data": "kpti_cpus",
            "the direct map (a page table)": "k->kernel_root",
            "the bottom of an IST stack": "ist_stack_base(cpu->index, 1)",
        },
    },
}
LEAK_CASES = [a for a in sorted(LEAKS) if a in kh.ARCHES]


@pytest.mark.parametrize("arch", LEAK_CASES)
def test_mutation_a_kernel_page_in_a_user_root_is_caught(arch, builds, tmp_path):
    """Map one more kernel page into each CPU's user root, a kind at a time (text, data, the
    direct map, a stack page the entry does not need): the user-root walk must fail."""
    leak = LEAKS[arch]
    b, _ = builds.with_variant(PROFILE, arch, "pagetable", "kpti")
    lines = (kh.ROOT / leak["file"]).read_text().splitlines()
    at = next(i for i, l in enumerate(lines) if l.strip() == leak["line"])
    mutants = [mutation.Mutant(leak["file"], at, "leak", what,
                               leak["line"] + " " + leak["map"] % page, leak["line"])
               for what, page in sorted(leak["pages"].items())]
    runner = mutation.SourceMutationRunner(b, leak["file"], "kpti_user_roots*", tmp_path,
                                           workers=min(WORKERS, len(mutants)),
                                           timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    line = mutation.record("kernel pages in %s user roots (%s)" % (arch, PROFILE), results,
                           time.monotonic() - start)
    print(line)
    survivors = [str(r.mutant) for r in results if not r.killed]
    assert not survivors, "the user-root walk does not see:\n  " + "\n  ".join(survivors)
