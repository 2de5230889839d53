"""x86_64 user mode where the boot matrix does not look: a CPU model without SMEP and SMAP
(stac and clac would be invalid opcodes there), and the NMI that must land in the SYSCALL entry
window (QEMU's TCG without -icount takes it between translation blocks; see
tests/kernel/x86_64/test_user.c)."""

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, PROFILES

pytestmark = pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")

USER_TESTS = "user_*,x86_*,ctx_user*"


def boot(build, tests, *extra):
    proc = kh.run(kh.qemu_run_cmd("x86_64", build.kernel, "test")
                  + ["--append", "kiln.test=" + tests, "--timeout", "200"] + list(extra),
                  kh.BOOT_TIMEOUT)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, proc.stdout)
    assert proc.returncode == 0, kh.describe(proc)
    return proc.stdout


# Each profile with its own stack-switch policy, then the policy matrix (kh.POLICY_PROFILES).
CASES = [(p, None) for p in PROFILES] + [(p, v) for p in kh.POLICY_PROFILES for v in kh.POLICIES]
IDS = [p + ("-" + v if v else "") for p, v in CASES]


def build(builds, profile, policy):
    return kh.policy_build(builds, profile, "x86_64", policy, pytest.skip)


@pytest.mark.parametrize("profile, policy", CASES, ids=IDS)
def test_user_mode_without_smep_and_smap(profile, policy, builds):
    out = boot(build(builds, profile, policy), USER_TESTS, "--cpu", "qemu64")
    assert "x86_64: SMEP off, SMAP off" in out, out


@pytest.mark.parametrize("profile, policy", CASES, ids=IDS)
def test_nmi_lands_in_the_syscall_entry_window(profile, policy, builds):
    out = boot(build(builds, profile, policy), "x86_nmi_in_syscall_entry_window")
    assert "NMIs taken in user mode" not in out, (
        "the NMIs missed the SYSCALL entry window: the test proved nothing\n" + out)
