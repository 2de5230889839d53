"""The peers `configure.py bench --peer` measures Kiln against: another kernel on the same QEMU.

The Linux peer boots Debian's own kernel (downloaded with apt-get, extracted into the work
directory, never installed) with tests/peer/init.c as the only program of its initramfs. That
/init measures what Kiln's benchmarks measure and prints the same `kbench:` lines. Each
command-line variant of the platform's [peer.linux] table (e.g. with and without page-table
isolation) is one column: booted once under -icount shift=0 (guest instructions) and once
without (TCG nanoseconds). The facts (Debian package, kernel path, console, variants) are data:
arch/<arch>/arch.toml and platforms/<platform>/platform.toml, [peer.<name>] tables.
"""

import glob
import os
import re
import shutil
import subprocess

from .bench import KBENCH_LINE
from .errors import ConfigError, shown
from .toolchain import arch_facts, platform_facts, toolchain
from .tree import ROOT, arch_platform

INIT_SOURCE = os.path.join(ROOT, "tests", "peer", "init.c")
# Kernel command-line words of every boot: a panic (e.g. /init died) resets at once, which
# -no-reboot turns into QEMU's exit instead of a hang; quiet keeps the boot log off the slow
# emulated serial port.
COMMON_APPEND = ["quiet", "panic=-1"]
BOOT_TIMEOUT = 180


def peer_facts(name, arch):
    """The [peer.<name>] tables of the arch and its platform, merged; unknown names refused."""
    arch_side = arch_facts(arch).get("peer", {})
    platform_side = platform_facts(arch_platform(arch)).get("peer", {})
    if name not in arch_side or name not in platform_side:
        known = sorted(set(arch_side) & set(platform_side))
        raise ConfigError("unknown peer %r for %s (known: %s)" % (name, arch,
                                                                   ", ".join(known) or "none"))
    return dict(arch_side[name], **platform_side[name])


# --- initramfs -------------------------------------------------------------------------------

def _pad4(n):
    return -n % 4


def newc_archive(entries):
    """A cpio archive in the "newc" format the kernel unpacks as its initramfs.

    entries: (path, mode, data, (rdev major, rdev minor)), mode including the file type bits;
    data is the file's bytes (b"" for directories and device nodes)."""
    out = bytearray()
    for ino, (path, mode, data, rdev) in enumerate(list(entries) + [("TRAILER!!!", 0, b"",
                                                                      (0, 0))], 1):
        name = path.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0)
        out += b"070701" + b"".join(b"%08x" % f for f in fields) + name
        out += b"\0" * _pad4(len(out))
        out += data + b"\0" * _pad4(len(data))
    return bytes(out)


def initramfs(init):
    """The initramfs: /init and the console it writes to."""
    return newc_archive([("dev", 0o040755, b"", (0, 0)),
                         ("dev/console", 0o020600, b"", (5, 1)),
                         ("init", 0o100755, init, (0, 0))])


# --- the guest's output ----------------------------------------------------------------------

def parse_output(lines):
    """[(kbench name, min, median, unit)] from the guest's lines; ConfigError unless /init
    reported every benchmark and finished."""
    rows = []
    for line in lines:
        line = line.strip()
        if line.startswith("kbench: error:"):
            raise ConfigError("the peer's /init failed: %s" % line[len("kbench: error: "):])
        m = KBENCH_LINE.match(line)
        if m:
            rows.append((m.group(1), float(m.group(4)), float(m.group(5)), m.group(6)))
    if "kbench: done" not in (l.strip() for l in lines):
        tail = [l for l in lines if l.strip()][-1:] or ["(no output)"]
        raise ConfigError("the peer stopped before its benchmarks were done; last line: %s"
                          % tail[0].strip())
    return rows


# --- QEMU ------------------------------------------------------------------------------------

def qemu_command(qemu, peer, kernel, initrd, append, accel, icount):
    """The QEMU command line of one peer boot: the platform's binary and machine, -m 256
    -smp 1, the peer's CPU model; -icount shift=0 when icount."""
    cmd = [qemu["binary"], "-M", qemu["machine"], "-m", "256", "-smp", "1",
           "-display", "none", "-monitor", "none", "-serial", "stdio", "-no-reboot",
           "-kernel", kernel, "-initrd", initrd,
           "-append", " ".join(["console=" + peer["console"]] + COMMON_APPEND + append)]
    if accel == "kvm":
        return cmd + ["-cpu", qemu["kvm_cpu"], "-enable-kvm"]
    cmd += ["-cpu", peer.get("cpu", qemu["cpu"]), "-accel", accel]
    return cmd + (["-icount", "shift=0"] if icount else [])


def boot(cmd, timeout):
    """The guest's output lines; ConfigError if QEMU cannot start or outlives timeout."""
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ConfigError("the peer did not power off within %d s (hung?): %s"
                          % (timeout, " ".join(cmd)))
    except OSError as e:
        raise ConfigError("cannot run %s: %s" % (cmd[0], e.strerror or e))
    lines = proc.stdout.decode(errors="replace").replace("\r", "").splitlines()
    if proc.returncode != 0:
        raise ConfigError("QEMU exited with status %d: %s" % (
            proc.returncode, (lines or ["(no output)"])[-1].strip()))
    return lines


# --- the kernel and /init --------------------------------------------------------------------

def _apt(tool, apt_dir, debian_arch, *args, cwd=None):
    """Run apt-get or apt-cache on a private state directory for debian_arch: the host's own
    package lists and dpkg database are neither read nor changed."""
    opts = ["-o", "APT::Architecture=" + debian_arch, "-o", "APT::Architectures::=" + debian_arch,
            "-o", "Dir::State::Lists=" + os.path.join(apt_dir, "lists"),
            "-o", "Dir::Cache=" + os.path.join(apt_dir, "cache"),
            "-o", "Dir::State::status=/dev/null", "-o", "APT::Sandbox::User=root"]
    if shutil.which(tool) is None:
        raise ConfigError("%s not found: the Linux peer needs Debian's apt" % tool)
    proc = subprocess.run([tool, "-q"] + opts + list(args), cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        last = (proc.stdout.strip().splitlines() or ["(no output)"])[-1]
        raise ConfigError("%s %s failed: %s" % (tool, " ".join(args), last))
    return proc.stdout


def fetch_kernel(peer, workdir, progress):
    """The path of the peer's kernel image, downloaded and extracted into workdir once."""
    dest = os.path.join(workdir, "linux-" + peer["debian_arch"])
    found = sorted(glob.glob(os.path.join(dest, peer["kernel"])))
    if found:
        return found[-1]
    apt_dir = os.path.join(workdir, "apt-" + peer["debian_arch"])
    for d in ("lists/partial", "cache/archives/partial"):
        os.makedirs(os.path.join(apt_dir, d), exist_ok=True)
    progress("peer: fetching Debian's package lists for %s" % peer["debian_arch"])
    _apt("apt-get", apt_dir, peer["debian_arch"], "update")
    depends = _apt("apt-cache", apt_dir, peer["debian_arch"], "depends", peer["package"])
    image = re.search(r"^\s*Depends: (linux-image-\S+)$", depends, re.M)
    if not image:
        raise ConfigError("apt-cache depends %s names no linux-image package" % peer["package"])
    progress("peer: downloading %s (%s)" % (image.group(1), peer["package"]))
    for old in glob.glob(os.path.join(apt_dir, "*.deb")):
        os.unlink(old)
    _apt("apt-get", apt_dir, peer["debian_arch"], "download", image.group(1), cwd=apt_dir)
    deb = glob.glob(os.path.join(apt_dir, "*.deb"))
    partial = dest + ".partial"
    shutil.rmtree(partial, ignore_errors=True)
    proc = subprocess.run(["dpkg-deb", "-x", deb[0], partial], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise ConfigError("dpkg-deb -x %s failed: %s" % (shown(deb[0]), proc.stdout.strip()))
    os.rename(partial, dest)
    os.unlink(deb[0])
    found = sorted(glob.glob(os.path.join(dest, peer["kernel"])))
    if not found:
        raise ConfigError("%s holds no %s" % (image.group(1), peer["kernel"]))
    return found[-1]


def build_init(arch, peer, workdir):
    """tests/peer/init.c compiled static for arch, into workdir."""
    native = os.uname().machine == arch_facts(arch)["toolchain"]["native"]["machine"]
    cc = toolchain(arch, "")["gcc"]
    libc = peer["libc"]["native" if native else "cross"]
    out = os.path.join(workdir, "init-" + arch)
    if shutil.which(cc) is None:
        raise ConfigError("%s not found: the Linux peer's /init needs it (see scripts/install-deps)"
                          % cc)
    proc = subprocess.run([cc, "-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out,
                           INIT_SOURCE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if proc.returncode != 0:
        first = (proc.stdout.strip().splitlines() or ["?"])[0]
        raise ConfigError("%s could not build the peer's static /init (is the Debian package %s "
                          "installed?): %s" % (cc, libc, first))
    return out


def run_peer(name, arch, accel, workdir, progress):
    """Boot the peer `name` on arch's platform once per command-line variant and unit.

    Returns [{"column": str, "rows": [(kbench name, min, median, unit)]}], one per variant;
    under TCG each variant has its instruction rows (-icount shift=0) then its ns rows."""
    peer = peer_facts(name, arch)
    qemu = platform_facts(arch_platform(arch))["qemu"]
    if shutil.which(qemu["binary"]) is None:
        raise ConfigError("%s not found: install the Debian package %s" % (qemu["binary"],
                                                                          qemu["package"]))
    os.makedirs(workdir, exist_ok=True)
    kernel = fetch_kernel(peer, workdir, progress)
    initrd = os.path.join(workdir, "initramfs-%s.cpio" % arch)
    with open(build_init(arch, peer, workdir), "rb") as f:
        init = f.read()
    with open(initrd, "wb") as f:
        f.write(initramfs(init))
    columns = []
    for variant in peer["variants"]:
        rows = []
        for icount in ((True, False) if accel == "tcg" else (False,)):
            unit = "insn" if icount else "ns"
            cmd = qemu_command(qemu, peer, kernel, initrd,
                               variant["append"] + ["kbench_unit=" + unit], accel, icount)
            progress("peer: %s, %s: %s" % (variant["column"], unit, " ".join(cmd)))
            rows += parse_output(boot(cmd, peer.get("timeout", BOOT_TIMEOUT)))
        columns.append({"column": variant["column"], "rows": rows})
    return columns
