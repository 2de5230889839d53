"""The Linux peer of `configure.py bench --peer linux` (scripts/kilnconf/peer.py).

Everything here runs without network or QEMU, except the test marked as booting Linux: it
downloads Debian's kernel and boots it, so it runs only with KILN_PEER_TESTS=1."""

import os
import re
import subprocess
import sys

import pytest

import kiln_harness as kh

sys.path.insert(0, str(kh.ROOT / "scripts"))
from kilnconf import peer  # noqa: E402
from kilnconf.errors import ConfigError  # noqa: E402
from kilnconf.toolchain import platform_facts  # noqa: E402
from kilnconf.tree import arch_platform  # noqa: E402


def read_newc(data):
    """[(name, mode, data, (rdev major, rdev minor))] of a newc cpio archive, trailer
    excluded; checks the magic, the 4-byte alignment and that nothing follows the trailer."""
    out, pos = [], 0
    while True:
        assert pos % 4 == 0
        assert data[pos:pos + 6] == b"070701", "bad magic at %d" % pos
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rdev, namesize = f[1], f[6], (f[9], f[10]), f[11]
        name_end = pos + 110 + namesize
        assert data[name_end - 1] == 0, "name not NUL-terminated"
        name = data[pos + 110:name_end - 1].decode()
        start = name_end + (-name_end % 4)
        body = data[start:start + size]
        pos = start + size + (-size % 4)
        if name == "TRAILER!!!":
            assert pos == len(data)
            return out
        out.append((name, mode, body, rdev))


def test_newc_archive_reads_back():
    """Names of every length modulo 4 and data of every length modulo 4 survive the padding."""
    entries = [("d", 0o040755, b"", (0, 0)), ("d/console", 0o020600, b"", (5, 1))]
    entries += [("f" * k, 0o100644, bytes(range(k + 3)), (0, 0)) for k in range(1, 6)]
    assert read_newc(peer.newc_archive(entries)) == entries


def test_initramfs_holds_init_and_console():
    got = {name: (mode, data, rdev) for name, mode, data, rdev in
           read_newc(peer.initramfs(b"\x7fELF-payload"))}
    assert got["init"] == (0o100755, b"\x7fELF-payload", (0, 0))
    assert got["dev/console"] == (0o020600, b"", (5, 1))
    assert got["dev"][0] == 0o040755


GUEST = """\
[    1.0] some kernel message
kbench: unit=insn (Linux peer; CLOCK_MONOTONIC per operation)
kbench: name=boot_to_init batches=1 ops=1 min=1719440112.00 median=1719440112.00 unit=insn\r
kbench: name=syscall_getppid batches=10 ops=5000 min=338.00 median=338.26 unit=insn
kbench: name=broken batches=10 ops=5000 min=3 median= unit=insn
kbench: done
"""


def test_output_parser_keeps_only_kbench_lines():
    assert peer.parse_output(GUEST.splitlines()) == [
        ("boot_to_init", 1719440112.0, 1719440112.0, "insn"),
        ("syscall_getppid", 338.0, 338.26, "insn")]


@pytest.mark.parametrize("lines, why", [
    (GUEST.splitlines()[:-1], "stopped before its benchmarks were done; last line: kbench: "
                              "name=broken"),
    ([], "last line: (no output)"),
    (["kbench: error: fork: Out of memory", "kbench: done"], "/init failed: fork: Out of memory"),
])
def test_output_parser_refuses_an_unfinished_run(lines, why):
    with pytest.raises(ConfigError, match=re.escape(why)):
        peer.parse_output(lines)


@pytest.mark.parametrize("arch", kh.arches())
def test_command_line_comes_from_the_toml(arch):
    facts = peer.peer_facts("linux", arch)
    qemu = platform_facts(arch_platform(arch))["qemu"]
    columns = [v["column"] for v in facts["variants"]]
    assert len(set(columns)) == len(columns) >= 2
    for icount in (True, False):
        cmd = peer.qemu_command(qemu, facts, "K", "I", ["w1", "w2"], "tcg", icount)
        assert cmd[0] == qemu["binary"]
        pairs = list(zip(cmd, cmd[1:]))
        for pair in [("-M", qemu["machine"]), ("-m", "256"), ("-smp", "1"), ("-kernel", "K"),
                     ("-initrd", "I"), ("-cpu", facts.get("cpu", qemu["cpu"])),
                     ("-accel", "tcg")]:
            assert pair in pairs
        assert ("-icount", "shift=0") in pairs if icount else "-icount" not in cmd
        append = cmd[cmd.index("-append") + 1].split()
        assert append[0] == "console=" + facts["console"] and append[-2:] == ["w1", "w2"]
        assert "panic=-1" in append and "-no-reboot" in cmd


def test_isolation_variants():
    """The figures compare Linux with and without page-table isolation on each arch."""
    words = {a: [v["append"] for v in peer.peer_facts("linux", a)["variants"]]
             for a in kh.arches()}
    assert words["x86_64"] == [["pti=on"], ["pti=off", "mitigations=off"]]
    assert words["arm64"] == [[], ["kpti=0"]]


def test_unknown_peer_is_refused():
    with pytest.raises(ConfigError, match="unknown peer 'bsd' .*known: linux"):
        peer.peer_facts("bsd", kh.DEFAULT_ARCH)


def test_missing_qemu_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(peer.shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="not found: install the Debian package qemu-system"):
        peer.run_peer("linux", kh.DEFAULT_ARCH, "tcg", str(tmp_path), print)


def test_hang_and_failure_are_errors():
    with pytest.raises(ConfigError, match="did not power off within 0 s"):
        peer.boot(["sleep", "5"], 0.3)
    with pytest.raises(ConfigError, match="QEMU exited with status 3: last words"):
        peer.boot(["sh", "-c", "echo first; echo last words; exit 3"], 5)
    with pytest.raises(ConfigError, match="cannot run /nonexistent/qemu"):
        peer.boot(["/nonexistent/qemu"], 5)


def test_cached_kernel_is_not_downloaded_again(monkeypatch, tmp_path):
    facts = peer.peer_facts("linux", kh.DEFAULT_ARCH)
    kernel = tmp_path / ("linux-" + facts["debian_arch"]) / "boot" / "vmlinuz-9.9"
    kernel.parent.mkdir(parents=True)
    kernel.write_bytes(b"k")

    def no_apt(*args, **kw):
        raise AssertionError("apt called although the kernel is cached")
    monkeypatch.setattr(peer, "_apt", no_apt)
    assert peer.fetch_kernel(facts, str(tmp_path), print) == str(kernel)


def test_download_failure_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setattr(peer, "_apt", lambda tool, *a, **kw: (_ for _ in ()).throw(
        ConfigError("apt-get update failed: Temporary failure resolving")))
    with pytest.raises(ConfigError, match="apt-get update failed"):
        peer.fetch_kernel(peer.peer_facts("linux", kh.DEFAULT_ARCH), str(tmp_path), print)


def test_init_builds_static_for_the_host(tmp_path):
    """The static /init compiles warning-free with the host arch's toolchain."""
    out = peer.build_init(kh.DEFAULT_ARCH, peer.peer_facts("linux", kh.DEFAULT_ARCH),
                          str(tmp_path))
    assert out.startswith(str(tmp_path))
    with open(out, "rb") as f:
        assert f.read(4) == b"\x7fELF"
    info = subprocess.run(["file", "-b", out], stdout=subprocess.PIPE, text=True)
    if info.returncode == 0:
        assert "statically linked" in info.stdout


def test_shared_benchmark_names_match_kiln():
    """Rows line up with Kiln's by name: the peer's switch benchmark is Kiln's ctx_switch_yield."""
    init = (kh.ROOT / "tests" / "peer" / "init.c").read_text()
    kiln = (kh.ROOT / "tests" / "kernel" / "bench.c").read_text()
    assert 'bench("ctx_switch_yield"' in init and "KBENCH(ctx_switch_yield," in kiln


@pytest.mark.skipif(os.environ.get("KILN_PEER_TESTS") != "1",
                    reason="downloads and boots Debian's kernel: set KILN_PEER_TESTS=1")
@pytest.mark.parametrize("arch", kh.arches())
def test_linux_peer_boots_and_measures(arch, tmp_path_factory):
    work = os.environ.get("KILN_PEER_WORKDIR") or str(tmp_path_factory.mktemp("peer"))
    columns = peer.run_peer("linux", arch, "tcg", work, print)
    assert [c["column"] for c in columns] == [v["column"] for v in
                                              peer.peer_facts("linux", arch)["variants"]]
    for c in columns:
        got = {(name, unit): (lo, med) for name, lo, med, unit in c["rows"]}
        assert set(got) == {(n, u) for n in ("boot_to_init", "syscall_getppid",
                                             "ctx_switch_yield", "pipe_pingpong")
                            for u in ("insn", "ns")}
        # A Linux system call is hundreds of instructions; a process switch through a pipe
        # costs more than a thread yield.
        assert 100 < got["syscall_getppid", "insn"][0] < 2000
        assert got["pipe_pingpong", "insn"][0] > got["ctx_switch_yield", "insn"][0]
        assert all(0 < lo <= med for lo, med in got.values())
