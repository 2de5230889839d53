"""Every statement a page-table strategy runs to keep translations right is load-bearing.

For each pagetable variant on each arch, the mutation harness (mutation.py) turns, one at a
time, each statement of the functions below into `if (0) { ... }` in a private copy of the tree:
the strategy's own (apply and reset a domain, load a root, unmap, flush), the TLB shootdown's
flush on the other CPUs, and the generic and arch code they call (map and unmap a partition,
the root switch, the one-page flush).
It rebuilds, boots the domain tests (tests/kernel/test_domain.c; kpti: and its own) and
requires a failure.

Left out: per-domain's address-space id bookkeeping (asid_alloc(), asid_free() and the arch's
arch_asid_flush()). QEMU 7.2 flushes its whole TLB whenever TTBR0_EL1's ASID changes, so no
test under TCG can see an entry outlive its id; an id that leaked only makes later domains
share id 0, which the tests cover (domain_domains_stay_apart_past_the_tlb_ids). Also the
locks kpti takes around a CPU's copies of top-level entries: they order two CPUs racing, which
no test can make happen on cue. And BUG_ON() guards (c_effect_mutants() skips them). kpti's
arm64 C (components/pagetable/kpti/arm64.c) is not listed: what a test could miss there is a
barrier, the empty TTBR0_EL1 while the id changes, or a flush of the shared ids, and QEMU
flushes its whole TLB at every change of ASID; its entry code is test_mutation_kpti.py's.
"""

import os
import time

import pytest

import kiln_harness as kh
import mutation

WORKERS = int(os.environ.get("KILN_MUTATION_WORKERS", "2"))
# The domain tests take a few seconds on one CPU; on four, a killed mutant may hang instead.
BOOT_TIMEOUT = 60

# variant: (profile that selects it, {arch or "*": {file: [functions]}}), arch files per arch.
# roots.c is per-domain's and kpti's: a root per domain.
ROOTS = {"components/pagetable/roots.c": [
    "activate", "let_go", "pt_map", "pt_unmap", "pt_flush", "pt_switch_in"]}
STRATEGY = {
    "common": ("tiny", {"*": {"components/pagetable/common/common.c": [
        "reset", "reset_domain", "pt_domain_destroy", "pt_map", "pt_unmap", "pt_stack_remove",
        "pt_switch_in"]}}),
    "per-domain": ("smp", {"*": dict(ROOTS, **{
        "components/pagetable/per-domain/per-domain.c": ["pt_root_load"],
        "kernel/smp.c": ["flush_tlb"]})}),
    "kpti": ("secure", {"x86_64": dict(ROOTS, **{
        "components/pagetable/kpti/x86_64.c": [
            "build_entry_area", "pt_cpu_init", "pt_entry_stack", "pt_root_thread_in", "copy_slot",
            "pt_root_load", "pt_root_mapped"]})}),
}
# "*": generic helpers every strategy's map and unmap go through.
ARCH_FILES = {
    "*": {"kernel/domain.c": ["unmap_pages", "pt_map_partition"]},
    "x86_64": {"arch/x86_64/user.c": ["arch_uspace_activate"],
               "arch/x86_64/mmu.c": ["arch_tlb_flush_page"],
               "arch/x86_64/desc.c": ["x86_entry_pages"]},
    "arm64": {"arch/arm64/mmu.c": ["arch_uspace_activate", "arch_tlb_flush_page"]},
}
# Where a generic or arch function is called from: the variants whose tests reach it (common
# prepares a partition's tables when it is added: its pt_map_partition() never fails midway).
ARCH_CALLERS = {"unmap_pages": ("common", "per-domain"), "pt_map_partition": ("per-domain",),
                "arch_uspace_activate": ("per-domain",), "arch_tlb_flush_page": ("common",),
                "x86_entry_pages": ("kpti",)}
# Statements left out (see above); per variant, the calls of roots.c's hooks it makes no-ops.
UNTESTABLE = ("spin_lock(", "spin_unlock(")
NO_OP = {"per-domain": ("pt_root_mapped(", "pt_root_thread_in(")}
# What the tests of each variant are.
SELECTION = {"kpti": "domain_*,kpti_*"}

CASES = [(a, v) for a in kh.ARCHES for v in kh.components().get("pagetable", [])
         if v in STRATEGY and ({"*", a} & set(STRATEGY[v][1]))]


def mutants_of(arch, variant):
    own = STRATEGY[variant][1]
    files = dict(own.get("*", own.get(arch)))
    for f, functions in dict(ARCH_FILES["*"], **ARCH_FILES.get(arch, {})).items():
        mine = [fn for fn in functions if variant in ARCH_CALLERS[fn]]
        if mine:
            files[f] = mine
    out = []
    for f, functions in sorted(files.items()):
        text = (kh.ROOT / f).read_text()
        for fn in functions:
            found = mutation.c_effect_mutants(f, text, fn)
            assert found, "no statement in %s() of %s" % (fn, f)
            out += [m for m in found
                    if not m.original.startswith(UNTESTABLE + NO_OP.get(variant, ()))]
    return out


@pytest.mark.parametrize("arch, variant", CASES, ids=["%s-%s" % c for c in CASES])
def test_mutation_every_pagetable_statement_is_load_bearing(arch, variant, builds, tmp_path):
    profile = STRATEGY[variant][0]
    b, _ = builds.with_variant(profile, arch, "pagetable", variant)
    mutants = mutants_of(arch, variant)
    runner = mutation.SourceMutationRunner(b, None, SELECTION.get(variant, "domain_*"), tmp_path,
                                           workers=min(WORKERS, len(mutants)),
                                           timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("pagetable/%s (%s, %s)" % (variant, profile, arch), runner, results, start)


def test_effect_mutants_keep_if_bodies_and_skip_declarations():
    text = ("void f(int x)\n{\n\tint y = 1;\n\n\t(void)x;\n\tg(y);\n"
            "\tasm(\"a\"\n\t    : : \"r\"(y));\n\tif (y)\n\t\tpanic(\"no\");\n"
            "\tif (x)\n\t\th(x,\n\t\t  y);\n\tif (y)\n\t\tk();\n\ty = x +\n\t    m(y);\n"
            "\treturn;\n}\n")
    got = [(m.line, m.original, m.apply(text).splitlines()[m.line].strip())
           for m in mutation.c_effect_mutants("f.c", text, "f")]
    assert got == [(5, "g(y);", "if (0) { g(y); }"), (14, "k();", "if (0) { k(); }")]
