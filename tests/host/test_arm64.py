"""arm64-specific boots: both GIC versions, entry at EL2, -cpu max, a corrupt device tree.

Crash reports are checked for every arch in test_boot.py."""

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
    build = builds.built("secure", "arm64")
    boot_tests(build, ["--cpu", "max", "--machine-opt", "gic-version=3"])


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
