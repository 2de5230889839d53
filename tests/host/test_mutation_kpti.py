"""Every line the kpti page-table strategy writes into the entry code is load-bearing.

The secure profile selects kpti. Its hooks (components/pagetable/kpti/<arch>.S.j2) switch the
page tables on every entry from user mode and every return to it. The mutation harness
(mutation.py) drops, one at a time, each instruction line they wrote into the generated entry
file (found through its attribution map: mutation.owned_lines), rebuilds, boots the selection
and requires a failure.

Per arch, two kinds of line are not dropped, each for a reason the test checks:
- a copy of a hook in an entry path no test can take, which must be the same text, line for
  line, as its copy in a path that is tested. arm64: the switch is in each of the eight EL0
  vector slots; tests enter through the AArch64 sync and IRQ slots, never through an FIQ or an
  SError from EL0 or AArch32 user mode (QEMU's virt machine gives Kiln no FIQ source and no
  SError to inject from EL1; the loader takes AArch64 programs only);
- a barrier that TCG gives no effect a test could see. arm64: the isb after the TTBR1_EL1 write
  on entry. QEMU applies a system-register write at once and ends the translation block with
  it, so the stack store after it uses the kernel's view with or without the barrier (on
  hardware it may not).

x86_64 has neither: every line is dropped. The test that user mode never walks a kernel root
(tests/kernel/x86_64/test_kpti.c, the accessed bit) is what catches a return to user mode that
forgets to switch back. A second test maps one more kernel page into the user roots, four
kinds in turn: the walk of every user root must report each.
"""

import os
import re
import time

import pytest

import kiln_harness as kh
import mutation
from kiln_harness import ARCHES

PROFILE = "secure"
WORKERS = int(os.environ.get("KILN_MUTATION_WORKERS", "2"))
# A normal boot of a selection takes a few seconds; a killed mutant may hang instead.
BOOT_TIMEOUT = 30

# Per arch: the generated entry file; the tests that cross into and out of user mode every
# way the hooks see (system calls and interrupts in user mode with every register checked,
# TPIDRRO_EL0 included; the kpti tests: the view at each entry, the trampoline view's faults);
# the labels of the entry paths whose hook lines are dropped; optionally those of entry paths
# no test takes and the tested one whose hook text they must repeat, and the mnemonics of
# barriers TCG does not model.
ARCH = {
    "x86_64": dict(file="generated/entry.S",
                   selection="kpti_*,x86_user_starts*,x86_syscall*,x86_interr*,x86_nmi_in*,"
                             "x86_paranoid*,user_process_e*,user_blocked*,stackswitch_e*",
                   tested=("trap_common", "trap_exit", "trap_paranoid", "syscall_entry",
                           "user_enter")),
    "arm64": dict(file="generated/vectors.S",
                  selection="kpti_*,arm64_user_registers_survive_syscalls,"
                            "preempted_user_programs_keep_every_register",
                  tested=("vector_el0_64_sync", "vector_el0_64_irq", "ret_to_user"),
                  untested=("vector_el0_64_fiq", "vector_el0_64_serror", "vector_el0_32_sync",
                            "vector_el0_32_irq", "vector_el0_32_fiq", "vector_el0_32_serror"),
                  same_as="vector_el0_64_sync",
                  barriers=("isb",)),
}
CASES = [a for a in ARCHES if a in ARCH]


def label_before(src, n):
    """The last label at or above line n: which entry path a hook expansion is in."""
    for i in range(n, -1, -1):
        m = re.match(r"^([A-Za-z_.$][\w.$]*):", src[i])
        if m:
            return m.group(1)
    return None


def kpti_lines(build_dir, arch):
    """{entry path label: [instruction line indexes]} of the pagetable hooks' expansions."""
    file = ARCH[arch]["file"]
    owned = set(mutation.owned_lines(build_dir, file, "pagetable"))
    src = (build_dir / file).read_text().splitlines()
    out = {}
    for n in sorted(owned):
        out.setdefault(label_before(src, n), []).append(n)
    return out


def mutant_lines(build_dir, arch):
    """The lines to drop; checks that each left out is an untested copy or a barrier."""
    a = ARCH[arch]
    src = (build_dir / a["file"]).read_text().splitlines()
    by_path = kpti_lines(build_dir, arch)
    code = {p: [mutation._code(src[n]) for n in lines] for p, lines in by_path.items()}
    untested = a.get("untested", ())
    if untested:
        assert a["same_as"] in by_path, "no pagetable hook in %s: %s" % (a["same_as"],
                                                                       sorted(by_path))
    for p in untested:
        assert code.get(p) == code[a["same_as"]], (
            "%s's pagetable lines differ from %s's:\n%s\n%s" % (p, a["same_as"], code.get(p),
                                                                 code[a["same_as"]]))
    return [n for p, lines in sorted(by_path.items()) if p not in untested for n in lines
            if mutation._code(src[n]).split()[0] not in a.get("barriers", ())]


@pytest.mark.parametrize("arch", CASES)
def test_mutation_every_kpti_entry_line_is_load_bearing(arch, builds, tmp_path):
    b = builds.built(PROFILE, arch)
    assert kh.selected_variants(b.path)["pagetable"] == "kpti", b
    file = ARCH[arch]["file"]
    lines = mutant_lines(b.path, arch)
    mutants = mutation.line_mutants(file, (b.path / file).read_text(), lines, "pagetable/kpti")
    runner = mutation.MutationRunner(b.path, arch, file, ARCH[arch]["selection"], tmp_path,
                                     workers=WORKERS, timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("%s pagetable/kpti lines (%s, %s)" % (file, PROFILE, arch), runner, results,
                   start)


@pytest.mark.parametrize("arch", CASES)
def test_kpti_lines_cover_every_entry_from_user_and_the_return(arch, builds):
    """What the harness mutates: a switch on the tested entries and on the way back, and the
    left-out barriers are the only difference from every line the hooks wrote."""
    b = builds.configured(PROFILE, arch)
    by_path = kpti_lines(b.path, arch)
    a = ARCH[arch]
    untested = a.get("untested", ())
    assert set(untested) <= set(by_path), sorted(by_path)
    src = (b.path / a["file"]).read_text().splitlines()
    tested = set(mutant_lines(b.path, arch))
    for p, lines in by_path.items():
        if p in untested:
            continue
        left = [mutation._code(src[n]) for n in lines if n not in tested]
        assert all(c.split()[0] in a.get("barriers", ()) for c in left), (p, left)
        assert any(n in tested for n in lines), p
    assert set(by_path) - set(untested) == set(a["tested"]), sorted(by_path)


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
