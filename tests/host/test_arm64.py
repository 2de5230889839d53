"""arm64-specific boots: both GIC versions, entry at EL2, -cpu max and PAN, secondary CPUs
(PSCI CPU_ON, up to -smp 64 on GICv3; parked without SMP), a corrupt device tree, the reports
of user faults and of a kernel stack overflow inside a system call.

Crash reports are checked for every arch in test_boot.py."""

import re
import struct

import pytest

import kiln_harness as kh

pytestmark = pytest.mark.skipif("arm64" not in kh.arches(), reason="no arm64 in this tree")

FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9


def boot_tests(build, extra):
    proc = kh.qemu_run("arm64", build.kernel, "test", extra=extra)
    ktap = kh.Ktap(proc.stdout)
    kh.assert_ktap_all_ok(ktap, proc.stdout)
    assert proc.returncode == 0, kh.describe(proc)
    return proc, ktap


@pytest.mark.parametrize("profile", kh.profiles())
@pytest.mark.parametrize("gic", ["2", "3"])
def test_boots_with_each_gic(builds, profile, gic):
    build = builds.built(profile, "arm64")
    proc, ktap = boot_tests(build, ["--machine-opt", "gic-version=" + gic])
    assert "irqchip: GICv%s" % gic in proc.stdout
    assert "self_irq_reaches_handler" in ktap.names
    assert "clock_ticks_while_busy" in ktap.names


@pytest.mark.parametrize("gic", ["2", "3"])
def test_boots_at_el2_and_drops_to_el1(builds, gic):
    build = builds.built("tiny", "arm64", ["CONFIG_QEMU_ARM64_EL2=y"])
    assert "--machine-opt virtualization=on" in (build.path / "build.ninja").read_text()
    proc, ktap = boot_tests(build, ["--machine-opt", "virtualization=on",
                                    "--machine-opt", "gic-version=" + gic])
    assert "virtualization=on" in proc.stdout
    assert "arm64_runs_at_el1" in ktap.names


def test_boots_on_cpu_max(builds):
    """tiny on the CPU secure runs on (-cpu max: PAN), with the callee-saved switch."""
    build = builds.built("tiny", "arm64")
    proc, _ = boot_tests(build, ["--cpu", "max", "--machine-opt", "gic-version=3"])
    assert "arm64: PAN: on" in proc.stdout


@pytest.mark.parametrize("profile", kh.profiles())
def test_boot_log_says_whether_pan_is_on(builds, profile):
    """secure runs on -cpu max, which has PAN; the others on cortex-a72, which has not."""
    build = builds.built(profile, "arm64")
    cpu = build.config()["CONFIG_QEMU_CPU"].strip('"')
    assert (cpu == "max") == (profile == "secure")
    proc = kh.qemu_run("arm64", build.kernel, "test", append=["kiln.test=arm64_pan*"])
    assert proc.returncode == 0, kh.describe(proc)
    want = "arm64: PAN: on" if cpu == "max" else "arm64: PAN: not on this CPU"
    assert want in proc.stdout, kh.describe(proc)


# The bring-up tests of tests/kernel/arm64/test_smp_boot.c: an IPI to each CPU, PSCI errors.
SMP_BOOT_TESTS = "kiln.test=arm64_ipi*,arm64_psci*"


def test_smp_profile_runs_on_gicv3(builds):
    """GICv2 addresses 8 CPUs; the smp profile's -smp 64 needs GICv3, the others keep GICv2."""
    for profile in kh.profiles():
        want = "3" if profile == "smp" else "2"
        assert builds.configured(profile, "arm64").config()[
            "CONFIG_QEMU_ARM64_GIC_VERSION"] == want, profile


@pytest.mark.parametrize("gic, cpus", [("2", 4), ("3", 4), ("3", 64)])
def test_smp_starts_every_cpu(builds, gic, cpus):
    """PSCI CPU_ON starts every CPU of the device tree (QEMU puts 16 in a cluster with GICv3:
    -smp 64 spans Aff1 0-3); each takes an IPI and knows itself; CPU_ON errors are named."""
    build = builds.built("smp", "arm64")
    proc, ktap = boot_tests(build, ["--smp", str(cpus), "--machine-opt", "gic-version=" + gic,
                                    "--append", SMP_BOOT_TESTS])
    assert "smp: %d of %d CPUs online\n" % (cpus, cpus) in proc.stdout, kh.describe(proc)
    assert len(re.findall(r"^# CPU \d+: MPIDR 0x[0-9a-f]+, hw id 0x[0-9a-f]+, 1 IPI\(s\)$",
                          proc.stdout, re.M)) == cpus, kh.describe(proc)
    assert re.search(r"^smp: CPU \d+ \(MPIDR 0x0\): PSCI CPU_ON failed: ALREADY_ON \(-4\)$",
                     proc.stdout, re.M), kh.describe(proc)
    assert "arm64_ipi_reaches_each_cpu_and_it_knows_itself" in ktap.names


@pytest.mark.parametrize("profile", [p for p in kh.profiles() if p != "smp"])
def test_without_smp_the_other_cpus_stay_parked(builds, profile):
    build = builds.built(profile, "arm64")
    proc, _ = boot_tests(build, ["--smp", "4", "--append", SMP_BOOT_TESTS])
    assert "smp: 4 CPUs present; SMP is off (CONFIG_SMP): the other 3 stay parked" in proc.stdout
    assert len(re.findall(r"^# CPU \d+: MPIDR", proc.stdout, re.M)) == 1, kh.describe(proc)


# What each fault of tests/user/fault.c and tests/user/arm64/a64fault.c must be reported as,
# in the order each program's test runs them: the exception's name, and its address when
# known in advance.
FAULT_REPORTS = [
    ("fault", "Data abort from EL0", "0x0000000000000000"),
    ("fault", "Data abort from EL0", None),  # a write to read-only data
    ("fault", "Data abort from EL0", "0xffffff8000000000"),
    ("fault", "Instruction abort from EL0", "0xffffff8000000000"),
    ("fault", "Instruction abort from EL0", None),  # a jump into data
    ("fault", "BRK (AArch64)", None),
    ("a64fault", "Unknown/undefined instruction", None),
    ("a64fault", "Data abort from EL0", None),  # ldxr from an odd address: alignment
    ("a64fault", "PC alignment fault", None),
    ("a64fault", "MSR/MRS/system instruction", None),
    ("a64fault", "Unknown/undefined instruction", None),  # mrs of an EL1 register
    ("a64fault", "Unknown/undefined instruction", None),  # hvc
    ("a64fault", "BRK (AArch64)", None),
]


@pytest.mark.parametrize("policy", kh.POLICIES)
def test_user_faults_are_reported_one_line_each(policy, builds):
    build, _ = builds.with_variant("tiny", "arm64", "stackswitch", policy)
    proc = kh.qemu_run("arm64", build.kernel, "test",
                       append=["kiln.test=user_fault_kills*,arm64_user_faults*"])
    kh.assert_ktap_all_ok(kh.Ktap(proc.stdout), proc.stdout)
    lines = re.findall(r"^process '(\w+)' \(pid \d+\) killed: ([^,]+), address (0x[0-9a-f]+), "
                       r"pc (0x[0-9a-f]+)$", proc.stdout, re.M)
    assert len(lines) == len(FAULT_REPORTS), kh.describe(proc)
    for program in ("fault", "a64fault"):
        got = [l[1:] for l in lines if l[0] == program]
        want = [r[1:] for r in FAULT_REPORTS if r[0] == program]
        assert len(got) == len(want), kh.describe(proc)
        for (what, addr, pc), (want_what, want_addr) in zip(got, want):
            assert what == want_what, kh.describe(proc)
            assert want_addr is None or addr == want_addr, kh.describe(proc)
            assert int(pc, 16) < 1 << 48 or what == "Instruction abort from EL0", \
                kh.describe(proc)
    # The misaligned exclusive names its odd address; the misaligned branch its target.
    a64 = [l[1:] for l in lines if l[0] == "a64fault"]
    assert int(a64[1][1], 16) & 7 == 1 and a64[2][1] == a64[2][2], kh.describe(proc)


@pytest.mark.parametrize("policy", kh.POLICIES)
def test_kernel_stack_overflow_in_a_syscall_is_reported(policy, builds):
    build, _ = builds.with_variant("tiny", "arm64", "stackswitch", policy)
    proc = kh.qemu_run("arm64", build.kernel, "test",
                       append=["kiln.test=arm64_kernel_stack_overflow*"])
    kh.assert_ktap_all_ok(kh.Ktap(proc.stdout), proc.stdout)
    assert re.search(r"^KERNEL STACK OVERFLOW in thread 'a64' \(id \d+\): access at 0x", proc.stdout,
                     re.M), kh.describe(proc)
    assert re.search(r"^killing process 'a64' \(pid \d+\); the kernel goes on$", proc.stdout,
                     re.M), kh.describe(proc)


def dump_virt_dtb(tmp_path):
    path = tmp_path / "virt.dtb"
    proc = kh.run(["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a72", "-m", "256",
                   "-machine", "dumpdtb=%s" % path], timeout=60)
    assert path.is_file(), kh.describe(proc)
    return bytearray(path.read_bytes())


def corrupt_first_property_of(blob, node_prefix):
    """Point the name of node_prefix's first property far outside the strings block.

    QEMU's own libfdt only follows the nodes it edits (/chosen, /memory), so it still
    loads this tree; Kiln validates every property and must refuse it."""
    off_struct, size_struct = struct.unpack_from(">I", blob, 8)[0], struct.unpack_from(">I", blob, 36)[0]
    pos, node = off_struct, None
    while pos < off_struct + size_struct:
        token = struct.unpack_from(">I", blob, pos)[0]
        pos += 4
        if token == FDT_BEGIN_NODE:
            end = blob.index(b"\0", pos)
            node = blob[pos:end].decode()
            pos = (end + 1 + 3) & ~3
        elif token == FDT_PROP:
            length = struct.unpack_from(">I", blob, pos)[0]
            if node and node.startswith(node_prefix):
                struct.pack_into(">I", blob, pos + 4, 0x7ffffff0)
                return
            pos += 8 + ((length + 3) & ~3)
        elif token == FDT_END:
            break
    raise AssertionError("no property found in a node named %s*" % node_prefix)


def test_corrupt_device_tree_is_a_clear_panic(builds, tmp_path):
    build = builds.built("tiny", "arm64")
    blob = dump_virt_dtb(tmp_path)

    good = tmp_path / "good.dtb"
    good.write_bytes(blob)
    boot_tests(build, ["--dtb", str(good)])

    corrupt_first_property_of(blob, "pl011")
    bad = tmp_path / "bad.dtb"
    bad.write_bytes(blob)
    proc = kh.qemu_run("arm64", build.kernel, "test", extra=["--dtb", str(bad)], timeout=60)
    assert proc.returncode != 0, kh.describe(proc)
    assert "KERNEL PANIC: boot: no usable device tree" in proc.stdout, kh.describe(proc)
    assert "bad property name offset" in proc.stdout, kh.describe(proc)
    assert "kernel reported FAIL" in proc.stdout
    assert "KTAP version 1" not in proc.stdout
