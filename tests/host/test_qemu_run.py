"""scripts/qemu-run.py against a fake QEMU: exit-status verdicts, the command line it builds,
its timeout and the bench orchestration, without booting anything."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES

# A stand-in for qemu-system-*: records its argv, prints FAKE_LINES, then exits with
# FAKE_EXIT, hangs (FAKE_MODE=hang) or floods its output (FAKE_MODE=flood). In bench runs it
# answers like the kernel would.
FAKE_QEMU = r'''#!%(python)s
import json, os, sys, time
state = os.environ["FAKE_STATE"]
with open(os.path.join(state, "pid"), "w") as f:
    f.write(str(os.getpid()))
with open(os.path.join(state, "argv.jsonl"), "a") as f:
    f.write(json.dumps(sys.argv) + "\n")
append = sys.argv[sys.argv.index("-append") + 1]
mode = os.environ.get("FAKE_MODE", "")
if "kiln.mode=bench" in append:
    unit = "insn" if "kiln.bench_unit=insn" in append else "ns"
    print("kbench: name=fake_op batches=10 ops=100 min=1.00 median=2.00 unit=%%s" %% unit)
    print("kbench: done")
    sys.exit(int(os.environ.get("FAKE_PASS", "0")))
if "kiln.mode=test" in append and mode == "bench":
    print("# kiln: boot-to-tests-done 1234 cycles, 5678 insn if run with -icount shift=0")
    sys.exit(int(os.environ.get("FAKE_PASS", "0")))
sys.stdout.write(os.environ.get("FAKE_LINES", ""))
sys.stdout.flush()
if mode == "hang":
    time.sleep(3600)
if mode == "flood":
    os.execvp("yes", ["yes", "flood"])  # as fast as a pipe takes it
sys.exit(int(os.environ.get("FAKE_EXIT", "0")))
'''

# Exit statuses of QEMU meaning pass and fail, keyed by arch (the platform's convention).
VERDICT_STATUS = {a: kh.platform_facts(kh.arch_platform(a))["exit"] for a in ARCHES}


@pytest.fixture
def fake(tmp_path):
    """(run, state dir): run(arch, mode, *args, **env) runs qemu-run.py with the fake QEMU."""
    bindir, state = tmp_path / "bin", tmp_path / "state"
    bindir.mkdir()
    state.mkdir()
    for arch, (binary, _) in kh.ARCH_QEMU.items():
        path = bindir / binary
        path.write_text(FAKE_QEMU % {"python": sys.executable})
        path.chmod(0o755)
    kernel = tmp_path / "kernel.elf"
    kernel.write_bytes(b"")

    def run(arch, mode, *args, timeout=60, **env):
        e = kh.clean_env(PATH="%s:%s" % (bindir, os.environ.get("PATH", "")),
                         FAKE_STATE=str(state), **env)
        return kh.run(kh.qemu_run_cmd(arch, kernel, mode) + list(args), timeout, env=e)

    yield run, state
    # Leave no fake behind (a timed-out test may have orphaned one).
    pidfile = state / "pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text()), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def argv_log(state):
    return [json.loads(l) for l in (state / "argv.jsonl").read_text().splitlines()]


def known(arch):
    if arch not in VERDICT_STATUS or arch not in kh.ARCH_QEMU:
        pytest.skip("no known QEMU verdict for arch %s" % arch)


@pytest.mark.parametrize("arch", ARCHES)
def test_verdicts(arch, fake):
    known(arch)
    run, _ = fake
    codes = VERDICT_STATUS[arch]
    proc = run(arch, "test", FAKE_EXIT=str(codes["pass"]), FAKE_LINES="ok 1 x\nlast line")
    assert proc.returncode == 0, kh.describe(proc)
    assert "kernel reported PASS" in proc.stdout
    # Output is passed through, including a last line without a newline.
    assert "ok 1 x\n" in proc.stdout and "last line\n" in proc.stdout
    proc = run(arch, "test", FAKE_EXIT=str(codes["fail"]))
    assert proc.returncode == 1 and "kernel reported FAIL" in proc.stdout, kh.describe(proc)
    proc = run(arch, "test", FAKE_EXIT="7")
    assert proc.returncode == 1 and "unexpected status 7" in proc.stdout, kh.describe(proc)


@pytest.mark.skipif("x86_64" not in ARCHES, reason="no x86_64 arch")
def test_x86_qemu_exit_0_is_not_a_pass(fake):
    run, _ = fake
    proc = run("x86_64", "test", FAKE_EXIT="0")
    assert proc.returncode == 1, kh.describe(proc)
    assert "without a verdict" in proc.stdout


@pytest.mark.parametrize("arch", ARCHES)
def test_command_line(arch, fake):
    known(arch)
    run, state = fake
    proc = run(arch, "crash", "--append", "kiln.crash=panic", "--memory", "128",
               FAKE_EXIT=str(VERDICT_STATUS[arch]["fail"]))
    assert proc.returncode == 1, kh.describe(proc)
    argv = argv_log(state)[-1]
    assert os.path.basename(argv[0]) == kh.ARCH_QEMU[arch][0]
    assert argv[argv.index("-append") + 1] == "kiln.mode=crash kiln.crash=panic"
    assert argv[argv.index("-m") + 1] == "128"
    assert argv[argv.index("-accel") + 1] == "tcg" and "-enable-kvm" not in argv
    assert "-no-reboot" in argv and "-icount" not in argv
    assert argv[argv.index("-serial") + 1] == "stdio"
    # The runner says which accelerator it used.
    assert "kiln: accelerator: TCG" in proc.stdout


def test_tcg_threads_single_runs_every_cpu_on_one_host_thread(fake):
    run, state = fake
    arch = kh.DEFAULT_ARCH
    proc = run(arch, "test", "--smp", "64", "--tcg-threads", "single",
               FAKE_EXIT=str(VERDICT_STATUS[arch]["pass"]))
    assert proc.returncode == 0, kh.describe(proc)
    argv = argv_log(state)[-1]
    assert argv[argv.index("-accel") + 1] == "tcg,thread=single"
    assert argv[argv.index("-smp") + 1] == "64"
    assert "one host thread for all CPUs" in proc.stdout
    proc = run(arch, "test", "--tcg-threads", "two")
    assert proc.returncode == 2 and "--tcg-threads" in proc.stderr, kh.describe(proc)


def test_kvm_needs_dev_kvm(fake):
    if os.access("/dev/kvm", os.R_OK | os.W_OK):
        pytest.skip("/dev/kvm is usable here")
    run, _ = fake
    proc = run(kh.DEFAULT_ARCH, "test", "--kvm")
    assert proc.returncode != 0
    assert "/dev/kvm" in proc.stderr and "without --kvm" in proc.stderr, kh.describe(proc)


@pytest.mark.parametrize("arch", ARCHES)
def test_missing_qemu_names_debian_package(arch, tmp_path):
    known(arch)
    binary, package = kh.ARCH_QEMU[arch]
    env = kh.clean_env(PATH=str(tmp_path))
    proc = kh.run(kh.qemu_run_cmd(arch, tmp_path / "k", "test"), kh.TOOL_TIMEOUT, env=env)
    assert proc.returncode != 0
    assert binary in proc.stderr and package in proc.stderr, kh.describe(proc)


def test_timeout_kills_a_silent_guest(fake):
    run, state = fake
    start = time.monotonic()
    proc = run(kh.DEFAULT_ARCH, "test", "--timeout", "1", FAKE_MODE="hang",
               FAKE_LINES="booting\n")
    assert time.monotonic() - start < 30
    assert proc.returncode == 124, kh.describe(proc)
    assert "kiln: timeout: killed QEMU after 1 s" in proc.stdout
    assert "booting" in proc.stdout
    pid = int((state / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_timeout_kills_a_chatty_guest(fake):
    run, _ = fake
    try:
        proc = run(kh.DEFAULT_ARCH, "test", "--timeout", "1", FAKE_MODE="flood", timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail("qemu-run.py --timeout 1 still running after 6 s of guest output")
    assert proc.returncode == 124


def test_bench_orchestration(fake):
    known(kh.DEFAULT_ARCH)
    run, state = fake
    ok = str(VERDICT_STATUS[kh.DEFAULT_ARCH]["pass"])
    proc = run(kh.DEFAULT_ARCH, "bench", FAKE_MODE="bench", FAKE_PASS=ok)
    assert proc.returncode == 0, kh.describe(proc)
    runs = argv_log(state)
    appends = [a[a.index("-append") + 1] for a in runs]
    # Boot cost under -icount, then the benchmarks in instructions (-icount) and in ns (not).
    assert appends == ["kiln.mode=test", "kiln.mode=bench kiln.bench_unit=insn",
                       "kiln.mode=bench kiln.bench_unit=ns"]
    assert ["-icount" in a for a in runs] == [True, True, False]
    summary = proc.stdout.split("kiln: benchmark summary", 1)[1]
    rows = kh.parse_kbench(summary)
    assert sorted((r[0], r[5]) for r in rows) == [("fake_op", "insn"), ("fake_op", "ns")]
    boot = [r for r in kh.parse_kbench(proc.stdout) if r[0] == "boot_to_tests_done"]
    assert boot and boot[0][3] == boot[0][4] == 5678, proc.stdout


def test_bench_stops_when_the_test_boot_fails(fake):
    known(kh.DEFAULT_ARCH)
    run, state = fake
    bad = str(VERDICT_STATUS[kh.DEFAULT_ARCH]["fail"])
    proc = run(kh.DEFAULT_ARCH, "bench", FAKE_MODE="bench", FAKE_PASS=bad)
    assert proc.returncode != 0, kh.describe(proc)
    assert len(argv_log(state)) == 1
    assert "benchmark summary" not in proc.stdout


APPEND_MAX = {a: kh.qemu_facts(a)["append_max"] for a in ARCHES if "append_max" in kh.qemu_facts(a)}


@pytest.mark.parametrize("arch", sorted(APPEND_MAX))
def test_command_line_the_boot_route_would_corrupt_is_refused(arch, fake):
    """Up to the route's limit the line reaches QEMU whole; one byte more and QEMU is not
    started (x86_64: QEMU's PVH option ROM would overrun its buffer, then its stack)."""
    if arch not in ARCHES:
        pytest.skip("no %s arch in the tree" % arch)
    run, state = fake
    limit = APPEND_MAX[arch]
    pad = "pad=" + "x" * (limit - len("kiln.mode=test pad="))
    proc = run(arch, "test", "--append", pad, FAKE_EXIT=str(VERDICT_STATUS[arch]["pass"]))
    assert proc.returncode == 0, kh.describe(proc)
    argv = argv_log(state)[-1]
    assert len(argv[argv.index("-append") + 1]) == limit
    proc = run(arch, "test", "--append", pad + "x")
    assert proc.returncode == 1, kh.describe(proc)
    assert "is %d bytes" % (limit + 1) in proc.stderr, kh.describe(proc)
    assert "at most %d" % limit in proc.stderr, kh.describe(proc)
    assert len(argv_log(state)) == 1, "QEMU was started with the over-long line"


def test_bench_without_boot_cost(fake):
    """--no-boot-cost (configure.py bench): the two bench boots only, no self-test boot."""
    known(kh.DEFAULT_ARCH)
    run, state = fake
    ok = str(VERDICT_STATUS[kh.DEFAULT_ARCH]["pass"])
    proc = run(kh.DEFAULT_ARCH, "bench", "--no-boot-cost", FAKE_MODE="bench", FAKE_PASS=ok)
    assert proc.returncode == 0, kh.describe(proc)
    appends = [a[a.index("-append") + 1] for a in argv_log(state)]
    assert appends == ["kiln.mode=bench kiln.bench_unit=insn", "kiln.mode=bench kiln.bench_unit=ns"]
    assert "boot_to_tests_done" not in proc.stdout
