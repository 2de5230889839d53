"""x86_64 user mode where the boot matrix does not look: a CPU model without SMEP and SMAP
(stac and clac would be invalid opcodes there, and FS and GS bases move by MSR), the NMI that must land in the SYSCALL entry
window (QEMU's TCG without -icount takes it between translation blocks; see
tests/kernel/x86_64/test_user.c), and the report of a kernel stack overflow in a system call;
each under every stack-switch policy."""

import re

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, PROFILES

pytestmark = pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")

USER_TESTS = "user_*,x86_*,ctx_user*"


def boot(build, tests, *extra):
    proc = kh.run(kh.qemu_run_cmd("x86_64", build.kernel, "test")
                  + kh.qemu_config_args("x86_64", build.kernel)
                  + ["--append", "kiln.test=" + tests, "--timeout", "200"] + list(extra),
                  kh.BOOT_TIMEOUT)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, proc.stdout)
    assert proc.returncode == 0, kh.describe(proc)
    return proc.stdout


def build(builds, profile, policy):
    return builds.with_variant(profile, "x86_64", "stackswitch", policy)[0]


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("policy", kh.POLICIES)
def test_user_mode_without_smep_and_smap(profile, policy, builds):
    out = boot(build(builds, profile, policy), USER_TESTS, "--cpu", "qemu64")
    assert "x86_64: SMEP off, SMAP off" in out, out
    # The switch's MSR half: user code cannot set its bases (wrfsbase is #UD), the kernel can.
    assert "x86_64: FSGSBASE off: GS/FS base MSRs" in out, out


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("policy", kh.POLICIES)
def test_nmi_lands_in_the_syscall_entry_window(profile, policy, builds):
    out = boot(build(builds, profile, policy), "x86_nmi_in_syscall_entry_window")
    assert "NMIs taken in user mode" not in out, (
        "the NMIs missed the SYSCALL entry window: the test proved nothing\n" + out)


@pytest.mark.parametrize("policy", kh.POLICIES)
def test_kernel_stack_overflow_in_a_syscall_is_reported(policy, builds):
    out = boot(build(builds, kh.DEFAULT_PROFILE, policy), "x86_kernel_stack_overflow*")
    assert re.search(r"^EXCEPTION 8 #DF Double Fault", out, re.M), out
    assert re.search(r"^KERNEL STACK OVERFLOW in thread 'x86_regs' \(id \d+\): access at 0x",
                     out, re.M), out
    assert re.search(r"^killing process 'x86_regs' \(pid \d+\); the kernel goes on$", out,
                     re.M), out


@pytest.mark.parametrize("profile", PROFILES)
def test_user_code_sets_its_own_fs_and_gs_bases(profile, builds):
    """The build's CPU model has FSGSBASE: user code writes both bases itself, and the switch
    reads them back (the qemu64 run above covers the MSR half)."""
    out = boot(builds.built(profile, "x86_64"), "x86_user_fs_gs*,x86_nmi_in_user_mode_with*")
    assert "x86_64: FSGSBASE on: rdgsbase/wrgsbase" in out, out
