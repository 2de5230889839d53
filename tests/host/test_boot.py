"""The boot matrix: every arch x profile builds, boots in QEMU (TCG) and passes its KTAP
self-tests, also with each stack-switch policy the profile does not select itself; plus the run
banner, size, a deliberately failing test, the crash scenarios and a benchmark smoke run."""

import fnmatch
import re

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_PROFILE, PROFILES

MATRIX = [(a, p) for a in ARCHES for p in PROFILES]
MATRIX_IDS = ["%s-%s" % m for m in MATRIX]
# Each profile with each stack-switch policy: the profile's own is the MATRIX run (skipped here).
POLICY_MATRIX = [(a, p, v) for a, p in MATRIX for v in kh.POLICIES]
POLICY_MATRIX_IDS = ["%s-%s-%s" % m for m in POLICY_MATRIX]

# Minimum number of in-kernel tests on any arch: the arch-neutral ones alone are more.
KTEST_FLOOR = 40


def declared(build, macro):
    """{name: conditional} of MACRO(name) declarations in the sources the build compiles."""
    return kh.macro_names(kh.compiled_sources(build.path), macro)


def check_names_declared(names, decl, what):
    """Every unconditional declaration shows up; nothing shows up that was not declared.
    A declared name ending in '*' (built by a macro) matches any name with that prefix."""
    def matches(name, key):
        return fnmatch.fnmatchcase(name, key)

    assert len(names) == len(set(names)), "duplicate %s names: %s" % (what, names)
    missing = sorted(k for k, cond in decl.items()
                     if not cond and not any(matches(n, k) for n in names))
    unknown = sorted(n for n in names if not any(matches(n, k) for k in decl))
    assert not missing, "%s declared in the built sources but not run: %s" % (what, missing)
    assert not unknown, "%s run but declared nowhere in the built sources: %s" % (what, unknown)


# ---------------------------------------------------------------------------
# KTAP self-tests

def policy_build(builds, arch, profile, policy):
    """The profile built with a stack-switch policy it does not select itself (else skip:
    the plain matrix runs that build)."""
    b, own = builds.with_variant(profile, arch, "stackswitch", policy)
    if own:
        pytest.skip("%s selects %s itself: the profile's own run covers it" % (profile, policy))
    return b


@pytest.mark.parametrize("arch, profile", MATRIX, ids=MATRIX_IDS)
def test_ktest_suite_passes(arch, profile, builds):
    check_ktest_suite(builds.built(profile, arch), arch, profile)


@pytest.mark.parametrize("arch, profile, policy", POLICY_MATRIX, ids=POLICY_MATRIX_IDS)
def test_ktest_suite_passes_under_every_policy(arch, profile, policy, builds):
    b = policy_build(builds, arch, profile, policy)
    assert kh.selected_variants(b.path)["stackswitch"] == policy
    check_ktest_suite(b, arch, profile)


# The smp profile with each per-CPU variant it does not select itself that Kconfig allows with
# SMP: arm64's array (x86_64's array is !SMP: its SYSCALL entry has one slot, cpus[0]'s).
PERCPU_SMP = [(a, v) for a in ARCHES for v in kh.components()["percpu"]
              if (a, v) == ("arm64", "array")]


@pytest.mark.parametrize("arch, variant", PERCPU_SMP, ids=["%s-%s" % m for m in PERCPU_SMP])
def test_ktest_suite_passes_on_smp_with_other_percpu_variants(arch, variant, builds):
    b, own = builds.with_variant("smp", arch, "percpu", variant)
    assert not own and kh.selected_variants(b.path)["percpu"] == variant
    check_ktest_suite(b, arch, "smp")


# The smp profile (four CPUs) with each page-table strategy it does not select itself but
# allows: kpti (common is !SMP).
PAGETABLE_SMP = [(a, v) for a in ARCHES for v in kh.components()["pagetable"]
                 if v not in ("per-domain", "common")]


@pytest.mark.parametrize("arch, variant", PAGETABLE_SMP, ids=["%s-%s" % m for m in PAGETABLE_SMP])
def test_ktest_suite_passes_on_smp_with_other_pagetable_variants(arch, variant, builds):
    b, own = builds.with_variant("smp", arch, "pagetable", variant)
    assert not own and kh.selected_variants(b.path)["pagetable"] == variant
    check_ktest_suite(b, arch, "smp")


def check_ktest_suite(b, arch, profile):
    proc = kh.ninja(b.path, "test", timeout=kh.BOOT_TIMEOUT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, kh.describe(proc)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, out)
    assert ktap.plan >= KTEST_FLOOR, "only %d tests on %s" % (ktap.plan, arch)
    check_names_declared(ktap.names, declared(b, "KTEST"), "KTEST")
    # The context-switch ABI test is built at -O0 and at -O2: both must run.
    for level in ("O0", "O2"):
        assert "ctx_callee_saved_survive_yield_" + level in ktap.names, out
    assert re.search(r"^# kiln: boot-to-tests-done \d+ cycles\b", proc.stdout, re.M), out
    assert re.search(r"^# kiln: %d passed, 0 failed$" % ktap.plan, proc.stdout, re.M), out
    assert "made no checks" not in proc.stdout, "a test returned before checking anything:\n" \
        + out
    assert "kiln: kernel reported PASS" in proc.stdout
    # The banner before the tests names this build.
    assert "Kiln: profile=%s arch=%s " % (profile, arch) in proc.stdout


@pytest.mark.parametrize("arch", ARCHES)
def test_ktest_filter(arch, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    names = sorted(n for n, cond in declared(b, "KTEST").items() if not cond)
    # Prefer the arch-neutral page allocator tests: quick, and not timing-dependent.
    prefixes = ["page_"] + sorted({n.split("_")[0] + "_" for n in names})
    prefix = next((p for p in prefixes if 1 < sum(n.startswith(p) for n in names) < len(names)),
                  None)
    if prefix is None:
        pytest.skip("no test-name prefix that selects some but not all tests")
    wanted = sorted(n for n in names if n.startswith(prefix))
    proc = kh.qemu_run(arch, b.kernel, "test", append=["kiln.test=%s*" % prefix])
    assert proc.returncode == 0, kh.describe(proc)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, proc.stdout)
    assert sorted(ktap.names) == wanted
    # A comma-separated list of exact names.
    pair = [names[0], names[-1]]
    proc = kh.qemu_run(arch, b.kernel, "test", append=["kiln.test=" + ",".join(pair)])
    assert proc.returncode == 0, kh.describe(proc)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, proc.stdout)
    assert sorted(ktap.names) == sorted(pair)


@pytest.mark.parametrize("arch", ARCHES)
def test_failing_test_fails_the_run(arch, builds):
    b = builds.built(DEFAULT_PROFILE, arch, sets=("CONFIG_KTEST_DEMO_FAILURE=y",))
    proc = kh.ninja(b.path, "test", timeout=kh.BOOT_TIMEOUT)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, "ninja test passed with a failing test:\n" + out
    assert "kiln: kernel reported FAIL" in proc.stdout, out
    ktap = kh.Ktap(proc.stdout)
    assert ktap.plan == len(ktap.results), out
    assert [r[1] for r in ktap.results] == list(range(1, ktap.plan + 1)), out
    failed = [r[2] for r in ktap.failed()]
    assert failed == ["demo_failure_wrong_sum"], out
    assert re.search(r"^not ok \d+ demo_failure_wrong_sum$", proc.stdout, re.M), out
    diag = ktap.diagnostics_before("demo_failure_wrong_sum")
    lines = [l for l in diag if "KEXPECT_EQ(2 + 2, 5)" in l]
    assert lines, "no diagnostic naming the failed check:\n" + out
    # The diagnostic shows where, and both values.
    assert re.search(r"demo_failure\.c:\d+:", lines[0]), lines[0]
    values = lines[0].split("failed", 1)[-1]
    assert re.search(r"\b4\b", values) and re.search(r"\b5\b", values), lines[0]
    assert re.search(r"^# kiln: %d passed, 1 failed$" % (ktap.plan - 1), proc.stdout, re.M), out


# ---------------------------------------------------------------------------
# run and size

@pytest.mark.parametrize("arch, profile", MATRIX, ids=MATRIX_IDS)
def test_run_banner(arch, profile, builds):
    b = builds.built(profile, arch)
    proc = kh.ninja(b.path, "run", timeout=kh.BOOT_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    m = re.search(r"^Kiln: profile=(\S+) arch=(\S+) platform=(\S+)$", proc.stdout, re.M)
    assert m, "no banner:\n" + proc.stdout
    assert m.groups() == (profile, arch, b.config()["CONFIG_PLATFORM_NAME"])
    m = re.search(r"^Kiln: components: (.*)$", proc.stdout, re.M)
    assert m, "no components line:\n" + proc.stdout
    assert "percpu=" in m.group(1)
    expected = " ".join("%s=%s" % cv for cv in sorted(kh.selected_variants(b.path).items()))
    assert m.group(1) == expected
    kh.assert_ktap_all_ok(kh.Ktap(proc.stdout), proc.stdout)
    assert "Kiln: all tests passed; powering off" in proc.stdout


def text_size(build):
    proc = kh.ninja(build.path, "size", timeout=kh.TOOL_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    m = re.search(r"^\.text\s+(0x[0-9a-f]+|\d+)\s", proc.stdout, re.M)
    assert m, "no .text line in:\n" + proc.stdout
    assert not re.search(r"^\.debug", proc.stdout, re.M), "size lists debug sections"
    return int(m.group(1), 0)


@pytest.mark.parametrize("arch, profile", MATRIX, ids=MATRIX_IDS)
def test_size(arch, profile, builds):
    """`ninja size` lists exactly the image's non-empty loaded sections, at the sizes the ELF
    section headers give (read here without binutils)."""
    b = builds.built(profile, arch)
    proc = kh.ninja(b.path, "size", timeout=kh.TOOL_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    listed = {m.group(1): int(m.group(2), 0) for m in
              re.finditer(r"^(\.\S+)\s+(0x[0-9a-f]+|\d+)\s", proc.stdout, re.M)}
    loaded = {n: size for n, (size, flags, _) in kh.elf_sections(b.kernel).items()
              if flags & kh.SHF_ALLOC and size}
    assert listed == loaded, "ninja size:\n%s\nELF section headers: %s" % (proc.stdout, loaded)
    for section in (".text", ".rodata", ".data", ".bss"):
        assert section in loaded, "no %s in %s" % (section, sorted(loaded))


@pytest.mark.parametrize("arch", ARCHES)
def test_tiny_has_the_smallest_text(arch, builds):
    if "tiny" not in PROFILES or len(PROFILES) < 2:
        pytest.skip("needs the tiny profile and another one")
    sizes = {p: text_size(builds.built(p, arch)) for p in PROFILES}
    assert sizes["tiny"] == min(sizes.values()), sizes


# ---------------------------------------------------------------------------
# Crash scenarios

# Reports of arch-neutral scenarios.
COMMON_CRASH = {
    "panic": ["KERNEL PANIC: requested by kiln.crash=panic"],
    "stack_smash": ["KERNEL PANIC: stack protector"],
}
# Reports of arch-specific scenarios, keyed by arch (arches not listed skip them).
ARCH_CRASH = {
    "x86_64": {
        "null_deref": ["EXCEPTION 14 #PF Page Fault", "(not-present, write, kernel)",
                       "CR2=0x0000000000000010", "KERNEL PANIC: unhandled #PF Page Fault"],
        "invalid_opcode": ["EXCEPTION 6 #UD Invalid Opcode",
                           "KERNEL PANIC: unhandled #UD Invalid Opcode"],
        # The overflow faults on the guard page; the #PF cannot be pushed on the dead stack,
        # so it becomes a #DF, which runs on its own IST stack and can still report.
        "stack_overflow": ["EXCEPTION 8 #DF Double Fault",
                           "KERNEL STACK OVERFLOW in thread 'main'",
                           "KERNEL PANIC: stack overflow in thread 'main', which cannot be killed"],
    },
    "arm64": {
        "null_deref": ["EXCEPTION EL1h sync", "EC 0x25 Data abort", "FAR_EL1=0x0000000000000010",
                       "KERNEL PANIC: unhandled Data abort"],
        "undefined_instruction": ["EC 0x00 Unknown/undefined instruction",
                                  "KERNEL PANIC: unhandled Unknown/undefined instruction"],
        # The vector's SP test moves to the overflow stack before saving anything.
        "stack_overflow": ["EXCEPTION EL1h sync", "EC 0x25 Data abort",
                           "KERNEL STACK OVERFLOW in thread 'main'",
                           "KERNEL PANIC: stack overflow in thread 'main', which cannot be killed"],
        # The same with a pattern in every register: the report shows each (and SP, ELR, FAR
        # where the scenario says), checked by kh.crash_register_errors().
        "stack_overflow_registers": ["EXCEPTION EL1h sync", "EC 0x25 Data abort",
                                     "KERNEL STACK OVERFLOW in thread 'main'",
                                     "KERNEL PANIC: stack overflow in thread 'main'"],
        # An exception in the overflow stack's guard goes to the emergency stack.
        "overflow_stack_overflow": ["EXCEPTION EL1h sync", "EC 0x25 Data abort",
                                    "KERNEL PANIC: the overflow stack overflowed"],
        # Simulated (QEMU raises none); reported from the emergency stack.
        "serror_on_overflow_stack": ["EXCEPTION EL1h SError", "EC 0x2f SError",
                                     "KERNEL PANIC: SError at 0x"],
    },
}
# Registers an exception report must show, keyed by arch.
ARCH_REGISTERS = {
    "x86_64": ["RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP"] +
              ["R%d" % n for n in range(8, 16)] + ["RIP", "RSP", "CR2"],
    "arm64": ["X%d" % n for n in range(31)] + ["SP", "ESR_EL1", "FAR_EL1", "ELR_EL1", "SPSR_EL1"],
}

CRASH_CASES = [(a, p, s) for a in ARCHES for p in PROFILES
               for s in sorted(COMMON_CRASH) + sorted(ARCH_CRASH.get(a, {}))]
CRASH_IDS = ["%s-%s-%s" % c for c in CRASH_CASES]
# The arch's scenarios (exception reports, stack overflows) under every stack-switch policy.
POLICY_CRASH_CASES = [(a, p, v, s) for a, p, v in POLICY_MATRIX for s in sorted(ARCH_CRASH.get(a, {}))]
POLICY_CRASH_IDS = ["%s-%s-%s-%s" % c for c in POLICY_CRASH_CASES]


def boot_crash(build, name):
    return kh.qemu_run(build.arch, build.kernel, "crash", append=["kiln.crash=" + name])


@pytest.mark.parametrize("arch, profile, scenario", CRASH_CASES, ids=CRASH_IDS)
def test_crash_scenario(arch, profile, scenario, builds):
    check_crash_scenario(builds.built(profile, arch), arch, scenario)


@pytest.mark.parametrize("arch, profile, policy, scenario", POLICY_CRASH_CASES,
                         ids=POLICY_CRASH_IDS)
def test_crash_scenario_under_every_policy(arch, profile, policy, scenario, builds):
    check_crash_scenario(policy_build(builds, arch, profile, policy), arch, scenario)


def check_crash_scenario(b, arch, scenario):
    if scenario == "stack_smash" and b.config().get("CONFIG_STACKPROTECTOR") != "y":
        pytest.skip("stack_smash exists only with CONFIG_STACKPROTECTOR=y "
                    "(test_crash_scenario_list checks it is absent)")
    proc = boot_crash(b, scenario)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, "crash scenario %s exited 0:\n%s" % (scenario, out)
    assert proc.returncode == 1 and "kiln: kernel reported FAIL" in proc.stdout, \
        "the kernel did not report the crash itself (hang or triple fault?):\n" + out
    assert "kcrash: triggering %s" % scenario in proc.stdout, out
    assert "returned without crashing" not in proc.stdout, out
    assert "panic while panicking" not in proc.stdout, out
    expect = COMMON_CRASH.get(scenario) or ARCH_CRASH[arch][scenario]
    for text in expect:
        assert text in proc.stdout, "%r missing from the %s report:\n%s" % (text, scenario, out)
    # The report comes after the trigger.
    assert proc.stdout.index(expect[0]) > proc.stdout.index("kcrash: triggering")
    assert not kh.crash_register_errors(proc.stdout), out
    if scenario in ARCH_CRASH.get(arch, {}):
        report = proc.stdout[proc.stdout.index("kcrash: triggering"):]
        for reg in ARCH_REGISTERS.get(arch, []):
            assert re.search(r"\b%s\s*=(0x)?[0-9a-f]{16}\b" % reg, report), \
                "register %s missing from the dump:\n%s" % (reg, out)


@pytest.mark.parametrize("arch, profile", MATRIX, ids=MATRIX_IDS)
def test_crash_scenario_list(arch, profile, builds):
    """An unknown scenario fails and lists exactly the scenarios this build has."""
    b = builds.built(profile, arch)
    proc = boot_crash(b, "no_such_scenario")
    assert proc.returncode == 1, kh.describe(proc)
    m = re.search(r"^kcrash: no scenario named 'no_such_scenario'; known:(.*)$", proc.stdout,
                  re.M)
    assert m, kh.describe(proc)
    known = m.group(1).split()
    check_names_declared(known, declared(b, "KCRASH"), "KCRASH")
    for name in list(COMMON_CRASH) + list(ARCH_CRASH.get(arch, {})):
        if name != "stack_smash":
            assert name in known, "scenario %s missing: %s" % (name, known)
    protector = b.config().get("CONFIG_STACKPROTECTOR") == "y"
    assert ("stack_smash" in known) == protector, known


# ---------------------------------------------------------------------------
# Benchmarks

@pytest.mark.parametrize("arch", ARCHES)
def test_bench_smoke(arch, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    proc = kh.ninja(b.path, "bench", timeout=3 * kh.BOOT_TIMEOUT)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, kh.describe(proc)
    assert "kiln: benchmark summary" in proc.stdout, out
    summary = proc.stdout.split("kiln: benchmark summary", 1)[1]
    results = kh.parse_kbench(summary)
    names = {**declared(b, "KBENCH"), **declared(b, "KBENCH_MEASURED")}
    figures = [r for r in results if r[0] in kh.BENCH_FIGURES]
    assert sorted({r[0] for r in figures}) == sorted(kh.BENCH_FIGURES), out
    for name, batches, ops, lo, median, unit in figures:
        assert (batches, ops) == (1, 1) and lo == median > 0, (name, batches, ops, lo, median)
        assert unit == "bytes" if "_memory" in name else unit in ("insn", "ns"), name
    results = [r for r in results if r[0] not in kh.BENCH_FIGURES]
    for unit in ("insn", "ns"):
        rows = [r for r in results if r[5] == unit]
        assert rows, "no %s results:\n%s" % (unit, out)
        check_names_declared([r[0] for r in rows], names, "KBENCH (%s)" % unit)
        for name, batches, ops, lo, median, _ in rows:
            assert batches == 10 and ops > 0, (name, batches, ops)
            assert 0 < lo <= median, "%s (%s): min %s > median %s" % (name, unit, lo, median)
    for line in summary.splitlines():
        if "kbench:" in line and not any("name=%s " % f in line for f in kh.BENCH_FIGURES):
            assert re.match(r"^\s*kbench: name=\S+ batches=10 ops=\d+ min=[\d.]+ "
                            r"median=[\d.]+ unit=(insn|ns)$", line), line
    boot = [r for r in kh.parse_kbench(proc.stdout) if r[0] == "boot_to_tests_done"]
    assert len(boot) == 1, out
    assert boot[0][1:3] == (1, 1) and boot[0][5] == "insn" and boot[0][3] == boot[0][4] > 0


# Boot to ready under -icount shift=0 is about 1 M guest instructions on every arch; x86_64's
# fixed 10 ms calibration busy-waits (TSC against the PIT, LAPIC timer against the TSC) made
# it 20 M.
BOOT_TO_READY_MAX_INSN = 1500000


@pytest.mark.parametrize("arch", ARCHES)
def test_boot_to_ready_is_fast(arch, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    proc = kh.qemu_run(arch, b.kernel, "bench", append=["kiln.bench=empty_loop"],
                       extra=["--no-boot-cost"])
    assert proc.returncode == 0, kh.describe(proc)
    ready = {r[5]: r for r in kh.parse_kbench(proc.stdout) if r[0] == "boot_to_ready"}
    assert sorted(ready) == ["insn", "ns"], proc.stdout
    assert 0 < ready["insn"][3] <= BOOT_TO_READY_MAX_INSN, ready["insn"]
