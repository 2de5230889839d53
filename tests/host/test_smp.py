"""SMP bring-up as the host sees it: how many CPUs come up for each configuration, what a
kernel without SMP does with the CPUs QEMU gives it, the 64-CPU scale run, and printk lines
that never mix across CPUs. (The in-kernel SMP tests are tests/kernel/test_smp.c.)"""

import re

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES

SMP = "smp"
NON_SMP = [p for p in kh.PROFILES if p != SMP]


def boot(build, tests, smp=None, tcg_threads="multi", timeout=kh.BOOT_TIMEOUT):
    extra = (["--smp", str(smp)] if smp else []) + ["--tcg-threads", tcg_threads,
                                                    "--timeout", str(timeout)]
    proc = kh.qemu_run(build.arch, build.kernel, "test", append=["kiln.test=" + tests],
                       extra=extra, timeout=timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, kh.describe(proc)
    kh.assert_ktap_all_ok(kh.Ktap(proc.stdout), out)
    return proc.stdout


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("profile", NON_SMP)
def test_kernel_without_smp_parks_the_other_cpus(arch, profile, builds):
    out = boot(builds.built(profile, arch), "thread_join*", smp=4)
    assert "smp: 4 CPUs present; SMP is off (CONFIG_SMP): the other 3 stay parked" in out, out


@pytest.mark.parametrize("arch", ARCHES)
def test_smp_profile_brings_up_every_cpu(arch, builds):
    b = builds.built(SMP, arch)
    n = int(b.config()["CONFIG_QEMU_SMP"])
    out = boot(b, "smp_cpus_are_online,smp_each_cpu*")
    assert "smp: %d of %d CPUs online\n" % (n, n) in out, out


@pytest.mark.parametrize("arch", ARCHES)
def test_cpus_beyond_nr_cpus_stay_parked(arch, builds):
    b = builds.built(SMP, arch, sets=("CONFIG_NR_CPUS=2",))
    out = boot(b, "smp_*", smp=4)
    assert "smp: 2 of 4 CPUs online, 2 left parked (CONFIG_NR_CPUS=2)" in out, out


SCALE_TESTS = ("smp_cpus_are_online,smp_each_cpu*,smp_per_cpu_counters*,smp_spinlock_counter*,"
               "smp_atomic_counter*,smp_call_others*,smp_ipi*")


@pytest.mark.parametrize("tcg_threads", ["multi", "single"])
@pytest.mark.parametrize("arch", ARCHES)
def test_smp_scales_to_64_cpus(arch, tcg_threads, builds):
    """Every CPU of 64 comes up and the counter and IPI tests pass on all of them.

    With one host thread per guest CPU (QEMU's default), 64 threads share this host's 2
    cores: a ticket lock hands over only when the host happens to run the one CPU whose turn
    is next, so smp_spinlock_counter alone ran past 5 minutes (lock-waiter preemption, the
    reason Linux guests fall back to a test-and-set lock on a hypervisor without paravirt
    spinlocks). That run boots all 64 CPUs and checks who they are; the counters and the IPIs
    run with the CPUs taken in turn, where a CPU spinning on pause/yield hands over at once."""
    b = builds.built(SMP, arch, sets=("CONFIG_QEMU_SMP=64",))
    tests = SCALE_TESTS if tcg_threads == "single" else "smp_cpus_are_online,smp_each_cpu*"
    out = boot(b, tests, tcg_threads=tcg_threads, timeout=300)
    assert "smp: 64 of 64 CPUs online\n" in out, out


PRINTK_LINE = re.compile(r"^smp_printk: cpu (\d+) line (\d+) (\S*)$")


@pytest.mark.parametrize("arch", ARCHES)
def test_printk_lines_from_cpus_never_interleave(arch, builds):
    """Every CPU prints lines at once (tests/kernel/test_smp.c smp_printk_lines*); on the
    console each must come out whole: no line holds another's text, none is missing."""
    b = builds.built(SMP, arch)
    out = boot(b, "smp_printk_lines*")
    seen = {}
    for line in out.splitlines():
        if not line.startswith("smp_printk"):
            continue
        m = PRINTK_LINE.match(line)
        assert m, "a printk line came out mixed with another: %r" % line
        cpu, n, payload = int(m.group(1)), int(m.group(2)), m.group(3)
        assert payload == "%x" % (cpu * 7919 + n) * 8, "corrupt line: %r" % line
        seen.setdefault(cpu, set()).add(n)
    ncpus = int(b.config()["CONFIG_QEMU_SMP"])
    assert sorted(seen) == list(range(ncpus)), out
    for cpu, lines in seen.items():
        assert lines == set(range(len(lines))) and len(lines) >= 50, (cpu, sorted(lines))


@pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")
def test_smp_stress_survives_an_nmi_storm(builds):
    """The in-kernel stress run (user and kernel threads yielding, sleeping, migrating and
    making system calls on every CPU for 10 s) under NMIs injected from outside, which QEMU
    delivers to every CPU (arm64 has none to inject: qemu-notes)."""
    from test_nmi import boot_and_pass
    out = boot_and_pass(builds.built(SMP, "x86_64"), "smp_stress_loses_nothing")
    assert re.search(r"^# smp_stress_loses_nothing: \d+ locked increments", out, re.M), out


# tests/kernel/test_lockorder.c provokes this many inversions on purpose.
PROVOKED_INVERSIONS = 3


@pytest.mark.parametrize("arch", ARCHES)
def test_lock_order_checker_finds_no_inversion_in_the_kernel(arch, builds):
    """With CONFIG_LOCK_ORDER_CHECK, the checker's own tests pass and a run of the SMP and
    user-mode tests (every kernel lock, from every CPU) adds no report to theirs."""
    b = builds.built(SMP, arch, sets=("CONFIG_LOCK_ORDER_CHECK=y",))
    out = boot(b, "lockorder_*,smp_*,user_*", timeout=600)
    reports = [l for l in out.splitlines() if l.startswith("lockorder: ")]
    inversions = [l for l in reports if l.startswith("lockorder: inversion: ")]
    assert len(inversions) == PROVOKED_INVERSIONS, "\n".join(reports)
    assert not [l for l in reports if "CPU that holds it" in l or "more than" in l], reports
