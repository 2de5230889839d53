"""NMIs from outside: QEMU's QMP inject-nmi while x86_nmi_runs_on_ist_stack runs, and while
x86_nmi_storm_during_syscalls has a user process hammer system calls. An NMI can arrive at any
time, also inside the test's window between sending its own NMI and checking it, or between
SYSCALL and its swapgs: the tests must hold anyway (see ../shared/qemu-notes.md, NMI
injection). Standard library only: the QMP client is a Unix socket and JSON lines."""

import json
import re
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, PROFILES

NMI_TEST = "x86_nmi_runs_on_ist_stack"
STORM_TEST = "x86_nmi_storm_during_syscalls"


class Qmp:
    """A minimal QMP client over a Unix socket (standard library only)."""

    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(str(path))
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rw")
        greeting = json.loads(self.file.readline())
        assert "QMP" in greeting, greeting
        assert self.command("qmp_capabilities") == {}

    def command(self, name):
        """Run one command; returns its "return" value (events in between are skipped)."""
        self.file.write(json.dumps({"execute": name}) + "\n")
        self.file.flush()
        while True:
            line = self.file.readline()
            if not line:
                raise ConnectionError("QMP closed while waiting for %s" % name)
            reply = json.loads(line)
            if "event" in reply:
                continue
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (name, reply["error"]))
            return reply["return"]

    def close(self):
        self.sock.close()


class Injector(threading.Thread):
    """Connects to QEMU's QMP socket as soon as it exists, then, once go is set, injects NMIs
    back to back until stop is set or QEMU goes away."""

    def __init__(self, sock):
        super().__init__(daemon=True)
        self.sock, self.go, self.stop = sock, threading.Event(), threading.Event()
        self.injected, self.error = 0, None

    def run(self):
        qmp = None
        try:
            qmp = Qmp(self.sock)
            self.go.wait()
            while not self.stop.is_set():
                qmp.command("inject-nmi")
                self.injected += 1
        except (OSError, ValueError, RuntimeError) as e:  # QEMU exited, or QMP said no
            self.error = e
        finally:
            if qmp:
                qmp.close()


def boot_with_outside_nmis(build, sock, test=NMI_TEST):
    """Boot one test alone; from the kernel's banner on (its IDT and IST stacks are set up by
    then) inject NMIs through QMP until the test's result line. Returns (exit status, output,
    injector)."""
    cmd = kh.qemu_run_cmd(build.arch, build.kernel, "test") + kh.qemu_config_args(
        build.arch, build.kernel) + [
           "--append", "kiln.test=" + test,
           "--qemu-arg=-qmp", "--qemu-arg=unix:%s,server=on,wait=off" % sock]
    injector = Injector(sock)
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
                            errors="replace", env=kh.clean_env())
    injector.start()
    out = []
    timer = threading.Timer(kh.BOOT_TIMEOUT, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            out.append(line)
            if line.startswith("Kiln: profile="):
                injector.go.set()
            if re.match(r"^(not )?ok \d+ ", line):
                injector.stop.set()
        proc.wait()
    finally:
        timer.cancel()
        injector.stop.set()
        injector.go.set()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        injector.join(30)
    return proc.returncode, "".join(out), injector


def boot_and_pass(build, test):
    """One boot of test under outside NMIs: it must pass. Returns its output."""
    with tempfile.TemporaryDirectory(prefix="kiln-qmp-") as d:
        status, out, injector = boot_with_outside_nmis(build, Path(d) / "qmp.sock", test)
    assert status == 0, "exit status %s with %d NMIs injected:\n%s" % (
        status, injector.injected, out)
    ktap = kh.Ktap(out)
    kh.assert_ktap_all_ok(ktap, out)
    assert ktap.names == [test], out
    assert injector.injected > 0, "no NMI was injected (%s):\n%s" % (injector.error, out)
    return out


def boot_and_check(build):
    """One boot under outside NMIs: the test must pass. Returns how many of its rounds an
    outside NMI hit."""
    out = boot_and_pass(build, NMI_TEST)
    m = re.search(r"^# %s: (\d+) rounds, (\d+) took an NMI from outside too$" % NMI_TEST, out,
                  re.M)
    assert m, "no round count from the test:\n" + out
    return int(m.group(2))


# Boots tried until an outside NMI lands inside one of the test's rounds (QMP is slow next
# to the rounds, so a boot may see only a few there); every boot must pass.
ATTEMPTS = 3


@pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")
@pytest.mark.parametrize("profile", PROFILES)
def test_nmi_test_holds_under_outside_nmis(profile, builds):
    b = builds.built(profile, "x86_64")
    hits = []
    while len(hits) < ATTEMPTS and not any(hits):
        hits.append(boot_and_check(b))
    assert any(hits), "no outside NMI landed inside a round in %d boots: this proved nothing" \
        % ATTEMPTS


# The bar: the kernel survives this many outside NMIs while user mode makes system calls.
STORM_NMIS = 1000


# Every stack-switch policy in the default profile, and each other profile with its own (None).
STORM_CASES = [(kh.DEFAULT_PROFILE, v) for v in kh.POLICIES] + [
    (p, None) for p in PROFILES if p != kh.DEFAULT_PROFILE]


@pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")
@pytest.mark.parametrize("profile, policy", STORM_CASES,
                         ids=["%s-%s" % (p, v or "own") for p, v in STORM_CASES])
def test_user_syscalls_survive_nmi_storm(profile, policy, builds):
    """A user process checks every register after each of its system calls while NMIs land
    wherever they land: user mode, the SYSCALL entry and exit, the kernel. The test keeps
    going while NMIs keep coming (up to STORM_NMIS); boots are added until that many were
    taken, some of them in user mode. Under every stack-switch policy."""
    b = (builds.with_variant(profile, "x86_64", "stackswitch", policy)[0] if policy
         else builds.built(profile, "x86_64"))
    total = user = boots = 0
    while total < STORM_NMIS and boots < 5:
        out = boot_and_pass(b, STORM_TEST)
        m = re.search(r"^# %s: (\d+) NMIs, (\d+) in user mode, \d+ batches$" % STORM_TEST, out,
                      re.M)
        assert m, "no NMI count from the test:\n" + out
        total, user, boots = total + int(m.group(1)), user + int(m.group(2)), boots + 1
    print("%s, %s: %d NMIs (%d in user mode) in %d boots" % (profile, policy, total, user, boots))
    assert total >= STORM_NMIS, "only %d NMIs landed in %d boots" % (total, boots)
    assert user > 0, "none of %d NMIs landed in user mode" % total
