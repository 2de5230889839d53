"""Every instruction a stackswitch variant writes into the generated code is load-bearing.

For each stackswitch variant on each arch listed below, the mutation harness (mutation.py)
drops, one at a time, every instruction line the variant's hooks wrote into the arch's entry
file and switch routine (found through their attribution maps: the stack switch of each
entry path, per-cpu's move of a switched-out user thread into its TCB), rebuilds only that
object and the link, boots the tests that exercise them and the crash scenarios whose
reports depend on them, and requires a failure: a test that fails, or a crash report that is
wrong (a missing line, a register that does not show the value the scenario loaded).
"""

import os
import time
from pathlib import Path

import pytest

import kiln_harness as kh
import mutation
from test_boot import ARCH_CRASH, COMMON_CRASH

WORKERS = int(os.environ.get("KILN_MUTATION_WORKERS", "2"))
BOOT_TIMEOUT = 15

# Per arch: the generated files a stackswitch variant writes into (the entry paths, and the
# switch routine, where switch_out may move a switched-out thread's context), the tests and
# the crash scenarios that exercise them.
ENTRY = {
    "arm64": {
        "files": ["generated/vectors.S", "generated/switch.S"],
        "tests": "thread_stack_o*,arm64_kernel_st*,arm64_entries*,arm64_overflow_s*,"
                 "arm64_trap_p*,arm64_user_reg*,stackswitch_e*,user_blocked*",
        "crashes": ["stack_overflow_registers", "overflow_stack_overflow",
                    "serror_on_overflow_stack"],
    },
    "x86_64": {
        "files": ["generated/entry.S", "generated/switch.S"],
        "tests": "x86_entries*,x86_syscall*,x86_interrupts*,x86_user_red*,x86_kernel_stack*,"
                 "stackswitch_entries*,user_blocked*",
        "crashes": ["stack_overflow"],
    },
}

CASES = [(a, v) for a in sorted(ENTRY) if a in kh.ARCHES
         for v in kh.components().get("stackswitch", [])]


def report_check(arch, scenario):
    """check(proc) for MutationRunner: what is wrong with a crash scenario's report."""
    expect = COMMON_CRASH.get(scenario) or ARCH_CRASH[arch][scenario]

    def check(proc):
        problems = ["missing %r" % t for t in expect if t not in proc.stdout]
        if "kiln: kernel reported FAIL" not in proc.stdout:
            problems.append("no verdict from the kernel (exit status %d)" % proc.returncode)
        return problems + kh.crash_register_errors(proc.stdout)
    return check


@pytest.mark.parametrize("arch, variant", CASES, ids=["%s-%s" % c for c in CASES])
def test_mutation_every_stackswitch_line_is_load_bearing(arch, variant, builds, tmp_path):
    entry = ENTRY[arch]
    b, _ = builds.with_variant(kh.DEFAULT_PROFILE, arch, "stackswitch", variant)
    crashes = {s: report_check(arch, s) for s in entry["crashes"]}
    survivors, total = [], 0
    for file in entry["files"]:
        text = (b.path / file).read_text()
        lines = mutation.owned_lines(b.path, file, "stackswitch")
        mutants = mutation.line_mutants(file, text, lines, "stackswitch/" + variant)
        if not mutants:
            continue
        total += len(mutants)
        runner = mutation.MutationRunner(b.path, arch, file, entry["tests"],
                                         tmp_path / Path(file).stem, workers=WORKERS,
                                         timeout=BOOT_TIMEOUT, crashes=crashes)
        start = time.monotonic()
        results = runner.run(mutants)
        line = mutation.record("%s stackswitch/%s (%s)" % (file, variant, arch), results,
                               time.monotonic() - start)
        print(line)
        survivors += ["%s (%s)" % (r.mutant, r.why) for r in results if not r.killed]
    assert total, "stackswitch/%s writes no instruction into %s" % (variant, entry["files"])
    assert not survivors, "no selected test (%s) or crash report fails without:\n  %s" % (
        entry["tests"], "\n  ".join(survivors))


def test_owned_lines_are_the_variants_instructions(builds):
    """owned_lines() finds the variant's instruction lines and nothing of the template's."""
    arch = "arm64"
    if arch not in kh.ARCHES:
        pytest.skip("no arm64 arch")
    b = builds.built(kh.DEFAULT_PROFILE, arch)
    file = ENTRY[arch]["files"][0]
    text = (b.path / file).read_text().splitlines()
    lines = mutation.owned_lines(b.path, file, "stackswitch")
    assert lines and all(mutation._code(text[i]) for i in lines)
    slot = text.index("vector_el1h_sync:")
    # The slot's own first instruction is the template's; the overflow test after it the variant's.
    first = next(i for i in range(slot + 1, len(text)) if mutation._code(text[i]))
    assert first not in lines and mutation._code(text[first]).startswith("sub")
    assert any(mutation._code(text[i]).startswith("tbnz") for i in lines if i > slot)
