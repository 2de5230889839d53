"""Every register a context-switch backend saves or restores is load-bearing.

For each ctxswitch variant on each arch, the mutation harness (mutation.py) drops, one at a
time, every register from every save and restore instruction of the generated switch.S,
rebuilds only that object and the link, boots only the context-switch tests and requires them
to fail. The kill rates are printed at the end of the run. A register that truly need not be
saved belongs out of the save list, not in an exception here.

The same holds for the crossings between user and kernel mode: every instruction the percpu and
stackswitch variants write into the generated entry code, and every statement of the
stackswitch variant's switch-time C code, is dropped in turn and a user-mode test must fail.
"""

import json
import os
import re
import time

import pytest

import kiln_harness as kh
import mutation
from kiln_harness import ARCHES, DEFAULT_ARCH, DEFAULT_PROFILE, PROFILES, ROOT

TARGET = "generated/switch.S"
# The tests that exercise the switch: ABI across yield and direct switch, FP state,
# preemption with every register in use, the TLS pointer.
SELECTION = "ctx_*,preempt*,tls_*"
# x86_64: user code's own FS and GS bases too, which the switch moves by rd/wr{fs,gs}base where
# CR4.FSGSBASE is on and by MSR where it is off: each half runs on a CPU model of its own.
SWITCH_SELECTION = {"x86_64": SELECTION + ",x86_user_fs_gs*,x86_nmi_in_user_mode_with*"}
SWITCH_MACHINES = {"x86_64": ((), ("--cpu", "max,fsgsbase=off"))}
# A normal boot of the selection takes under a second; a killed mutant may hang instead.
BOOT_TIMEOUT = 10
WORKERS = int(os.environ.get("KILN_MUTATION_WORKERS", "2"))

VARIANTS = kh.components().get("ctxswitch", [])
CASES = [(a, v) for a in ARCHES for v in VARIANTS]


def variant_symbol(variant):
    return "CONFIG_CTXSWITCH_" + variant.upper().replace("-", "_")


def build_for(builds, arch, variant):
    """A built directory selecting the variant: a profile's own if one does (shared with the
    boot matrix), else the default profile with the variant set."""
    sym = variant_symbol(variant)
    for p in [DEFAULT_PROFILE] + [p for p in PROFILES if p != DEFAULT_PROFILE]:
        if builds.configured(p, arch).config().get(sym) == "y":
            return builds.built(p, arch)
    return builds.built(DEFAULT_PROFILE, arch, sets=(sym + "=y",))


@pytest.mark.parametrize("arch, variant", CASES, ids=["%s-%s" % c for c in CASES])
def test_mutation_every_switch_register_is_load_bearing(arch, variant, builds, tmp_path):
    b = build_for(builds, arch, variant)
    text = (b.path / TARGET).read_text()
    mutants = mutation.mutants(TARGET, text, arch)
    assert {m.kind for m in mutants} == {mutation.SAVE, mutation.RESTORE}, (
        "no save or no restore instruction found in %s:\n%s" % (TARGET, mutants))
    # The percpu variant's window on the user's GS base (swapgs under gsbase).
    percpu = kh.selected_variants(b.path)["percpu"]
    mutants += mutation.line_mutants(TARGET, text, mutation.owned_lines(b.path, TARGET, "percpu"),
                                     "percpu/" + percpu)
    runner = mutation.MutationRunner(b.path, arch, TARGET, SWITCH_SELECTION.get(arch, SELECTION),
                                     tmp_path, workers=WORKERS, timeout=BOOT_TIMEOUT,
                                     machines=SWITCH_MACHINES.get(arch, ((),)))
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("%s %s (%s, %s)" % (TARGET, variant, b.profile, arch), runner, results, start)


def test_mutation_harness_reports_a_survivor(builds, tmp_path):
    """The harness can tell a survivor: dropping the unreachable instruction after the
    trampoline's call into thread_start (which never returns) changes nothing."""
    b = builds.built(DEFAULT_PROFILE, DEFAULT_ARCH)
    text = (b.path / TARGET).read_text()
    lines = text.splitlines()
    call = next(i for i, l in enumerate(lines) if re.match(r"\s*(call|bl)\s+thread_start\b", l))
    dead = mutation.Mutant(TARGET, call + 1, "dead code", lines[call + 1].strip(),
                           original=lines[call + 1].strip())
    runner = mutation.MutationRunner(b.path, DEFAULT_ARCH, TARGET, SELECTION, tmp_path,
                                     workers=1, timeout=BOOT_TIMEOUT)
    [result] = runner.run([dead])
    assert not result.killed, "dropping dead code failed the tests: %s" % result.why


def test_mutants_drop_one_register_of_a_pair():
    text = ("ctx:\n\tstp\tx19, x20, [sp, #SF_X19]\t/* c */\n\tldp\tq0, q1, [x11]\n"
            "\tmrs\tx9, fpcr\n\tmsr\ttpidr_el0, x9\n\tmov\tx9, sp\n\tb\t1f\n")
    got = [(m.kind, m.what, m.replacement) for m in mutation.mutants("f.S", text, "arm64")]
    assert got == [
        ("save", "x19", "str\tx20, [sp, #SF_X19 + 8]"),
        ("save", "x20", "str\tx19, [sp, #SF_X19]"),
        ("restore", "q0", "ldr\tq1, [x11, #0 + 16]"),
        ("restore", "q1", "ldr\tq0, [x11, #0]"),
        ("save", "fpcr", None),
        ("restore", "tpidr_el0", None),
    ]
    m = mutation.mutants("f.S", text, "arm64")[0]
    assert m.apply(text).splitlines()[1] == "\tstr\tx20, [sp, #SF_X19 + 8]"


def test_mutants_x86_moves_pushes_and_state():
    text = ("#include <x.h>\nf:\n\tpushq\t$GDT_KERNEL_DS\n\tpushfq\n\tmovq\t%rbx, TF_RBX(%rsp)\n"
            "\tmovq\t%rsp, %rax\n\tfxsave\t(%rsp)\n\tmovl\tTHREAD_TLS(%rsi), %eax\n"
            "\twrmsr\n\tmovq\tTF_R15(%rsp), %r15\n\taddq\t$16, (%rsp)\n\tiretq\n")
    got = [(m.kind, m.what, m.line) for m in mutation.mutants("f.S", text, "x86_64")]
    assert got == [("save", "$GDT_KERNEL_DS", 2), ("save", "rflags", 3), ("save", "rbx", 4),
                   ("save", "fp/simd file", 6), ("restore", "eax", 7),
                   ("restore", "msr[%ecx]", 8), ("restore", "r15", 9)]
    dropped = mutation.mutants("f.S", text, "x86_64")[2].apply(text)
    assert "%rbx" not in dropped and dropped.count("\n") == text.count("\n") - 1


# ---------------------------------------------------------------------------
# The way between user and kernel mode: every line a variant contributes to it

ENTRY = "generated/entry.S"
# What makes user mode work in the entry paths: GS on every crossing (percpu), the stack each
# crossing runs on (stackswitch). Not load_cpu_ptr, which is older than user mode and not always
# load-bearing: the array variant's shift of an APIC ID of 0 changes nothing, and
# syscall_dispatch() does not use the CPU pointer it is given (yet).
USER_COMPONENTS = ("percpu", "stackswitch")
NOT_USER_HOOKS = ("load_cpu_ptr",)
# x86_64 instructions that leave the arithmetic flags alone.
FLAGS_KEPT = re.compile(r"^(mov|lea|push|pop|j[a-z]+\b|swapgs|cld)")


def repeated_flag_tests(text, lines):
    """The lines among `lines` that test exactly what the last flag-setting instruction before
    them tested, none setting flags in between (e.g. percpu's test of the saved CS right after
    kpti's): dropped, they change nothing, however the entry runs."""
    src = text.splitlines()
    out = set()
    for n in lines:
        code = mutation._code(src[n])
        if not code.startswith(("test", "cmp")):
            continue
        for i in range(n - 1, -1, -1):
            prev = mutation._code(src[i])
            if prev and not prev.endswith(":") and not FLAGS_KEPT.match(prev):
                if prev.split() == code.split():
                    out.add(n)
                break
    return out
# The C half of each stack-switch policy: what it keeps current at each switch (TSS.rsp0, the
# SYSCALL stack; per-cpu: the TCB frame, and the trap depth and system-call state of a thread
# that resumes from it) and per CPU (auxsp: the handler stacks), as (arch, policy, source,
# function). (arm64's per-thread is one assignment, which cannot be dropped and still compile.)
STACKSWITCH_C = [
    ("x86_64", "per-thread", "components/stackswitch/per-thread/x86_64.c", "stackswitch_thread_in"),
    ("x86_64", "per-cpu", "components/stackswitch/per-cpu/per-cpu.c", "stackswitch_thread_in"),
    ("x86_64", "per-cpu", "components/stackswitch/per-cpu/x86_64.c", "per_cpu_publish_frame"),
    ("x86_64", "auxsp", "components/stackswitch/auxsp/x86_64.c", "stackswitch_thread_in"),
    ("x86_64", "auxsp", "components/stackswitch/auxsp/auxsp.c", "stackswitch_cpu_init"),
]
# Tests that cross into and out of user mode every way there is, per arch: system calls with
# every register checked, interrupts and preemption in user mode, the red zone, NMIs in the
# kernel, in user mode and in the SYSCALL window; where each entry runs.
USER_SELECTION = {"x86_64": "x86_syscall*,x86_interr*,x86_user_red*,x86_nmi_runs*,x86_nmi_in*,"
                            "x86_paranoid*,user_process_e*,stackswitch_e*,user_blocked*"}
USER_CASES = [(a, p) for a in ARCHES if a in USER_SELECTION for p in PROFILES]


@pytest.mark.parametrize("arch, profile", USER_CASES, ids=["%s-%s" % c for c in USER_CASES])
def test_mutation_every_user_entry_line_is_load_bearing(arch, profile, builds, tmp_path):
    """Drop, one at a time, each instruction the percpu and stackswitch variants wrote into
    the entry paths (swapgs and its tests, the paranoid GS decision, the per-CPU pointer, the
    SYSCALL stack switch): a user-mode test must fail every time."""
    b = builds.built(profile, arch)
    text = (b.path / ENTRY).read_text()
    variants = kh.selected_variants(b.path)
    hooks = json.loads((b.path / (ENTRY + ".map")).read_text())["hooks"]
    skip = {n for h in hooks if h["hook"] in NOT_USER_HOOKS
            for n in range(h["lines"][0] - 1, h["lines"][1])}
    mutants = []
    for comp in USER_COMPONENTS:
        owned = mutation.owned_lines(b.path, ENTRY, comp)
        skip |= repeated_flag_tests(text, owned)
        lines = [n for n in owned if n not in skip]
        mutants += mutation.line_mutants(ENTRY, text, lines, "%s/%s" % (comp, variants[comp]))
    assert any(m.what.startswith("stackswitch/") for m in mutants), (
        "no stackswitch line in %s of %s: the SYSCALL stack switch went missing" % (ENTRY, b))
    runner = mutation.MutationRunner(b.path, arch, ENTRY, USER_SELECTION[arch], tmp_path,
                                     workers=WORKERS, timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("%s percpu and stackswitch lines (%s, %s)" % (ENTRY, profile, arch), runner,
                   results, start)


@pytest.mark.parametrize("arch, policy, source, function", STACKSWITCH_C,
                         ids=["%s-%s-%s" % (c[0], c[1], c[3]) for c in STACKSWITCH_C])
def test_mutation_every_stackswitch_statement_is_load_bearing(arch, policy, source, function,
                                                              builds, tmp_path):
    """Drop, one at a time, each statement of a stackswitch variant's C code that keeps the
    entry paths' stacks current, in a private copy of the tree."""
    b, _ = builds.with_variant(DEFAULT_PROFILE, arch, "stackswitch", policy)
    mutants = mutation.c_statement_mutants(source, (ROOT / source).read_text(), function)
    assert mutants, "no statement in %s()" % function
    runner = mutation.SourceMutationRunner(b, source, USER_SELECTION[arch], tmp_path,
                                           workers=min(WORKERS, len(mutants)),
                                           timeout=BOOT_TIMEOUT)
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("%s %s() (%s, %s)" % (source, function, b.profile, arch), runner, results,
                   start)


def test_c_statement_mutants_take_the_function_body():
    text = ("#include <x.h>\n\nvoid other(void)\n{\n\tx = 1;\n}\n\n"
            "void f(struct cpu *cpu, struct thread *t)\n{\n\t/* a; */\n\tcpu->a = t->b;\n"
            "\tif (x)\n\t\tcpu->c = 2;\n}\n")
    got = [(m.line, m.original) for m in mutation.c_statement_mutants("f.c", text, "f")]
    assert got == [(10, "cpu->a = t->b;"), (12, "cpu->c = 2;")]


# ---------------------------------------------------------------------------
# SMP: each CPU must find its own struct cpu

# Where each arch's entry paths are generated, and how to load &cpus[0] into a register instead.
ENTRY_OF = {"x86_64": "generated/entry.S", "arm64": "generated/vectors.S"}
BOOT_CPU_PTR = {"x86_64": "movq\t$cpus, %s",
                "arm64": "adrp\t%s, cpus\n\tadd\t%s, %s, :lo12:cpus"}
# Tests that look at the CPU an entry ran on: the pointer every entry hands C (system calls,
# interrupts inside them, on every CPU), an IPI and (x86_64) an NMI on each CPU, threads
# stolen while preempted.
SMP_SELECTION = {"x86_64": "smp_every_entry*,smp_idle*,x86_smp_each_cpu_is*,x86_user_registers_"
                            "survive_migration",
                 "arm64": "smp_every_entry*,smp_idle*,arm64_ipi_reaches*,arm64_user_registers_"
                          "survive_migration"}
# Fatal-only paths whose CPU pointer only feeds the crash report: the crash scenarios run on
# the boot CPU, where cpus[0] is right (the arm64 emergency stack's report).
FATAL_ONLY = ("trap_emergency",)


def destination(arch, code):
    """The register an instruction writes: AT&T's last operand, AArch64's first."""
    ops = [o.strip() for o in code.split(None, 1)[1].split(",")]
    return ops[-1] if arch == "x86_64" else ops[0]


def wrong_cpu_mutants(build_dir, arch):
    """For every place the entry code loads this CPU's struct cpu (percpu.load_cpu_ptr): its
    last instruction replaced by a load of the boot CPU's, cpus[0]."""
    file = ENTRY_OF[arch]
    text = (build_dir / file).read_text()
    src = text.splitlines()
    hooks = json.loads((build_dir / (file + ".map")).read_text())["hooks"]
    out = []
    for h in hooks:
        if h["component"] != "percpu" or h["hook"] != "load_cpu_ptr":
            continue
        after = "\n".join(src[h["lines"][1]:h["lines"][1] + 4])
        if any(f in after for f in FATAL_ONLY):
            continue
        last = max(n for n in range(h["lines"][0] - 1, h["lines"][1])
                   if mutation._code(src[n]))
        code = mutation._code(src[last])
        reg = destination(arch, code)
        replacement = BOOT_CPU_PTR[arch].replace("%s", reg)
        out.append(mutation.Mutant(file, last, "load", "cpus[0] for this CPU", replacement,
                                   code))
    return out


def test_wrong_cpu_mutants_load_the_boot_cpu():
    text = "f:\n\tmovq\t%gs:0, %rbx\t/* percpu */\n"
    m = mutation.Mutant("f.S", 1, "load", "x", BOOT_CPU_PTR["x86_64"].replace("%s", "%rbx"), "")
    assert m.apply(text) == "f:\n\tmovq\t$cpus, %rbx\n"
    assert destination("x86_64", "movq %gs:0, %rbx") == "%rbx"
    assert destination("arm64", "mrs x19, tpidr_el1") == "x19"


@pytest.mark.parametrize("arch", ARCHES)
def test_mutation_every_cpu_pointer_load_is_checked_on_smp(arch, builds, tmp_path):
    """On the smp profile (four CPUs), make each entry path's load of struct cpu * load the
    boot CPU's instead: an SMP test must fail every time."""
    b = builds.built("smp", arch)
    mutants = wrong_cpu_mutants(b.path, arch)
    assert mutants, "no percpu.load_cpu_ptr in %s of %s" % (ENTRY_OF[arch], b)
    runner = mutation.MutationRunner(b.path, arch, ENTRY_OF[arch], SMP_SELECTION[arch], tmp_path,
                                     workers=WORKERS, timeout=BOOT_TIMEOUT * 3)
    start = time.monotonic()
    results = runner.run(mutants)
    mutation.check("%s cpu pointer loads (smp, %s)" % (ENTRY_OF[arch], arch), runner, results,
                   start)
