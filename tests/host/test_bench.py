"""configure.py bench: the kbench-line parser, the table and JSON it makes from recorded console
logs (tests/host/data/bench-*.log, one real run each), its input errors, a run whose guest
hangs, and -smp sweeps; and the smp profile's cross-CPU benchmarks on its CPUs."""

import json
import os
import sys

import pytest

import kiln_harness as kh
from kilnconf import bench

DATA = kh.ROOT / "tests" / "host" / "data"


# A QEMU whose guest prints its banner and then hangs.
HANGING_QEMU = """#!%s
import sys, time
print("Kiln: profile=fake", flush=True)
time.sleep(3600)
"""


# A QEMU that records its command line in $FAKE_QEMU_CALLS and reports, as a kernel would,
# the scaling workload taking 8 M units divided by its -smp.
SCALING_QEMU = """#!%s
import os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_QEMU_CALLS"], "a") as f:
    f.write(" ".join(args) + "\\n")
smp = int(args[args.index("-smp") + 1])
unit = "insn" if "-icount" in args else "ns"
print("kbench: name=smp_scaling_16_threads batches=10 ops=1 min=%%d.00 median=%%d.00 unit=%%s"
      %% (8000000 // smp, 8000000 // smp, unit))
print("kbench: done", flush=True)
sys.exit(%d)
"""


def fake_qemu(tmp_path, script, *fill):
    """PATH with the arch's QEMU binary replaced by script % (this Python, *fill)."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    binary, _ = kh.ARCH_QEMU[kh.DEFAULT_ARCH]
    (bindir / binary).write_text(script % ((sys.executable,) + fill))
    (bindir / binary).chmod(0o755)
    return "%s:%s" % (bindir, os.environ["PATH"])


def log(name):
    return (DATA / name).read_text().splitlines()


def column(name, logname):
    return bench.column_from_log(name, log(logname))


def table(*cols, **extra):
    return bench.render_table(dict({"columns": list(cols), "qemu_versions": {}}, **extra))


def row(text, label):
    """The cells of the table row labelled label."""
    lines = [ln for ln in text.splitlines() if ln.startswith("| %s |" % label)]
    assert len(lines) == 1, (label, text)
    return [c.strip() for c in lines[0].strip("|").split("|")][1:]


def test_parser_reads_result_lines_only():
    lines = ["kbench: unit=insn: guest instructions per operation",
             "kbench: name=a batches=10 ops=5 min=1.50 median=2.25 unit=insn\r",
             "  kbench: name=b batches=10 ops=5 min=1.00 median=1.00 unit=insn",  # a summary copy
             "kbench: name=a batches=10 ops=5 min=9.00 median=9.00 unit=insn",  # a second boot
             "kbench: name=a batches=10 ops=5 min=3.00 median=4.00 unit=ns",
             "kbench: name=c batches=1 ops=1 min=4096.00 median=4096.00 unit=bytes",
             "kbench: name=d batches=10 ops=5 min=1.00 med",  # cut off
             "kbench: done"]
    assert bench.parse_kbench(lines) == {
        "a": {"insn": (1.5, 2.25, 10), "ns": (3.0, 4.0, 10)},
        "c": {"bytes": (4096.0, 4096.0, 1)}}


def test_column_from_a_recorded_run():
    col = column("tiny x86", "bench-tiny-x86_64.log")
    assert col["status"] == "ok"
    assert col["figures"]["boot_to_ready"]["insn"] == (1307088.0, 1307088.0, 1)
    assert col["figures"]["ctx_switch_yield"] == {"insn": (108.51, 108.51, 10),
                                                  "ns": (275.33, 318.85, 10)}
    assert col["cpus"] == ["max"] and len(col["accelerators"]) == 2


def test_table_rows_cells_and_absent_metrics():
    cols = [column("tiny x86", "bench-tiny-x86_64.log"), column("tiny arm", "bench-tiny-arm64.log")]
    text = table(*cols)
    assert text.splitlines()[0] == "| metric | tiny x86 | tiny arm |"
    # No user mode yet: absent, never 0.
    for label in ("null syscall", "user exception round trip",
                  "domain switch (two processes yielding)"):
        assert row(text, label) == [bench.ABSENT] * 2
    assert row(text, "voluntary switch")[0] == "108.51 insn; 275.33 / 318.85 ns"
    assert row(text, "boot to ready")[0].startswith("1.31 M insn; ")
    assert row(text, "kernel memory per thread") == ["20 KiB", "20 KiB"]
    assert row(text, "page-table memory")[0] == "52 KiB"
    assert row(text, "preemptive switch (tick to next thread)")[0].startswith("393.8 / 396.5 insn")
    # Names no row lists get their own rows, after the declared ones.
    labels = [ln.split("|")[1].strip() for ln in text.splitlines() if ln.startswith("| ")][1:]
    assert labels[:len(bench.ROWS)] == [label for label, _ in bench.ROWS]
    assert {"empty_loop", "trap_roundtrip", "ctx_switch_bare"} <= set(labels[len(bench.ROWS):])
    assert "-icount shift=0" in text and "-cpu max" in text and "-cpu cortex-a72" in text


def test_truncated_log():
    col = column("tiny x86", "bench-truncated.log")
    assert col["status"] == "incomplete: 0 of 2 bench boots finished"
    assert "irq_self_roundtrip" not in col["figures"]  # its line is cut
    assert col["figures"]["preempt_switch_latency"]["insn"][:2] == (393.8, 396.5)
    text = table(col)
    assert row(text, "IRQ entry (self-IRQ round trip)") == [bench.ABSENT]
    assert "Not complete: tiny x86: incomplete" in text


def test_timeout_in_log_is_reported():
    lines = log("bench-truncated.log")[:8] + ["kiln: timeout: killed QEMU after 5 s"]
    col = bench.column_from_log("c", lines)
    assert col["status"] == "timeout: killed QEMU after 5 s"


def test_json_round_trip_and_peer_rows():
    kiln = column("tiny x86", "bench-tiny-x86_64.log")
    peer = {"column": "linux pti=on", "peer": "linux", "status": "ok", "figures": {
        "syscall_getppid": {"insn": (340.0, 341.0, 10)}, "pipe_pingpong": {"insn": (5000.0, 5100.0, 10)},
        "brand_new": {"insn": (1.0, 1.0, 10)}}}
    data = {"columns": [kiln, peer], "qemu_versions": {"qemu-x": "7.2"}, "notes": ["n"]}
    back = bench.from_json(json.loads(json.dumps(bench.to_json(data))))
    assert back == data
    text = bench.render_table(back)
    assert row(text, "null syscall") == [bench.ABSENT, "340 / 341 insn"]
    assert row(text, "process switch (pipe)") == [bench.ABSENT, "5,000 / 5,100 insn"]
    assert row(text, "brand_new") == [bench.ABSENT, "1 insn"]
    assert "QEMU: qemu-x 7.2." in text and "Note: n" in text


def test_chart(tmp_path):
    pytest.importorskip("matplotlib")
    data = {"columns": [column("tiny x86", "bench-tiny-x86_64.log")], "qemu_versions": {}}
    data["columns"][0]["arch"] = "a"
    assert bench.write_chart(data, tmp_path / "c.svg")
    assert "voluntary switch" in (tmp_path / "c.svg").read_text()


def configure(*args, env=None, timeout=kh.CONFIGURE_TIMEOUT):
    return kh.run([kh.DEBIAN_PYTHON, str(kh.CONFIGURE), "bench"] + list(args), timeout, env=env)


@pytest.mark.parametrize("args, expect", [
    (["--profiles", "tiny,nosuch"], "unknown profile 'nosuch'"),
    (["--profiles", "nosuch+SMP=y"], "unknown profile 'nosuch'"),
    (["--profiles", "tiny+SMP"], "an override is SYM=VALUE, not 'SMP'"),
    (["--profiles", "tiny+smp=y"], "an override is SYM=VALUE, not 'smp=y'"),
    (["--arch", "nosuch"], "unknown arch 'nosuch'"),
    (["--peer", "nosuch"], "unknown peer 'nosuch'"),
    (["--smp", "1,x"], "--smp takes guest CPU counts 1..64"),
    (["--smp", "0"], "--smp takes guest CPU counts 1..64"),
    (["--smp", "65"], "--smp takes guest CPU counts 1..64"),
])
def test_bad_input(args, expect, tmp_path):
    proc = configure(*args, "-o", str(tmp_path / "out"))
    assert proc.returncode == 2 and proc.stdout == "", kh.describe(proc)
    assert proc.stderr.count("\n") == 1 and expect in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_missing_qemu_names_the_package(tmp_path):
    binary, package = kh.ARCH_QEMU[kh.DEFAULT_ARCH]
    proc = configure("--arch", kh.DEFAULT_ARCH, "-o", str(tmp_path / "out"),
                     env=kh.clean_env(PATH=str(tmp_path)))
    assert proc.returncode == 2, kh.describe(proc)
    assert binary in proc.stderr and package in proc.stderr, proc.stderr


def test_hanging_kernel_times_out_and_the_run_continues(tmp_path):
    """Both profiles' guests hang: each boot is killed after --timeout, reported, and the
    table and JSON still come out."""
    env = kh.clean_env(PATH=fake_qemu(tmp_path, HANGING_QEMU))
    out = tmp_path / "out"
    proc = configure("--profiles", "tiny,secure", "--arch", kh.DEFAULT_ARCH, "--timeout", "2",
                     "-o", str(out), env=env, timeout=2 * kh.BUILD_TIMEOUT)
    assert proc.returncode == 1, kh.describe(proc)
    for profile in ("tiny", "secure"):
        assert "%s %s: done (timeout: killed QEMU after 2 s" % (profile, kh.DEFAULT_ARCH) \
            in proc.stderr, proc.stderr
        assert "Not complete: %s %s: timeout" % (profile, kh.DEFAULT_ARCH) in proc.stdout
    for step in ("configure", "build", "boot"):
        assert "tiny %s: %s" % (kh.DEFAULT_ARCH, step) in proc.stderr
    data = json.loads((out / "bench.json").read_text())
    assert [c["status"].split(":")[0] for c in data["columns"]] == ["timeout", "timeout"]
    # The image sizes still come from the ELF.
    assert data["columns"][0]["figures"]["image_text"]["bytes"]["min"] > 0


def test_profile_with_overrides_is_a_column_of_its_own(tmp_path):
    """secure+PAGETABLE_COMMON=y: the secure profile with that --set, built apart from secure."""
    env = kh.clean_env(PATH=fake_qemu(tmp_path, HANGING_QEMU))
    out = tmp_path / "out"
    spec = "secure+PAGETABLE_COMMON=y"
    proc = configure("--profiles", "secure," + spec, "--arch", kh.DEFAULT_ARCH, "--timeout", "2",
                     "-o", str(out), env=env, timeout=2 * kh.BUILD_TIMEOUT)
    assert proc.returncode == 1, kh.describe(proc)
    data = json.loads((out / "bench.json").read_text())
    assert [c["column"] for c in data["columns"]] == [
        "secure " + kh.DEFAULT_ARCH, "%s %s" % (spec, kh.DEFAULT_ARCH)]
    configs = [(out / d / ".config").read_text()
               for d in ("secure-" + kh.DEFAULT_ARCH,
                         "secure_PAGETABLE_COMMON_y-" + kh.DEFAULT_ARCH)]
    assert "CONFIG_PAGETABLE_COMMON=y" not in configs[0]
    assert "CONFIG_PAGETABLE_COMMON=y" in configs[1]


def test_peer_that_cannot_run_is_a_note(monkeypatch):
    """A peer that fails (no download, no QEMU...) leaves a note; Kiln's columns still print."""
    from kilnconf import peer
    from kilnconf.errors import ConfigError

    def fail(*args):
        raise ConfigError("apt-get download linux-image-x failed")

    monkeypatch.setattr(peer, "run_peer", fail)
    notes, said = [], []
    opts = type("Opts", (), {"kvm": False, "output": "/nonexistent"})()
    assert bench.run_peers(["linux"], kh.DEFAULT_ARCH, opts, said.append, notes) == []
    assert notes == ["peer linux: not available: apt-get download linux-image-x failed"]
    assert said == notes


def test_smp_sweep_boots_each_count_with_the_selection(tmp_path):
    """--smp boots one build once per CPU count (each boot twice: instructions, then ns),
    --bench reaches the kernel's command line, and the footer turns the scaling workload's
    times into speed-ups against -smp 1."""
    status = kh.platform_facts(kh.arch_platform(kh.DEFAULT_ARCH))["exit"]["pass"]
    calls = tmp_path / "calls"
    env = kh.clean_env(PATH=fake_qemu(tmp_path, SCALING_QEMU, status), FAKE_QEMU_CALLS=str(calls))
    out = tmp_path / "out"
    proc = configure("--profiles", "tiny", "--arch", kh.DEFAULT_ARCH, "--smp", "1,2,4",
                     "--bench", "smp_scaling*", "-o", str(out), env=env, timeout=kh.BUILD_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    boots = [c for c in calls.read_text().splitlines() if c != "--version"]
    assert [b.split(" -smp ")[1].split()[0] for b in boots] == ["1", "1", "2", "2", "4", "4"]
    assert all("kiln.bench=smp_scaling* " in b for b in boots), boots
    assert proc.stderr.count(": build") == 1, proc.stderr
    name = "tiny %s" % kh.DEFAULT_ARCH
    assert row(proc.stdout, "16 CPU-bound threads, until all finish") == [
        "8.00 M insn; 8.00 M ns", "4.00 M insn%s; 4.00 M ns" % bench.ALL_CPUS_MARK,
        "2.00 M insn%s; 2.00 M ns" % bench.ALL_CPUS_MARK]
    assert ("Speed-up of smp_scaling_16_threads (median ns at -smp 1 / at -smp N): "
            "%s -smp 2 2.00x, %s -smp 4 4.00x." % (name, name)) in proc.stdout
    assert "%s: the guest had several CPUs (-smp 2/4)" % bench.ALL_CPUS_MARK in proc.stdout
    data = json.loads((out / "bench.json").read_text())
    assert [c["column"] for c in data["columns"]] == ["%s -smp %d" % (name, n) for n in (1, 2, 4)]
    assert [c["smp"] for c in data["columns"]] == [[1], [2], [4]]
    assert (out / ("tiny-%s" % kh.DEFAULT_ARCH) / "bench-smp4.log").exists()


def test_cross_cpu_insn_marked_only_with_several_cpus():
    one = column("tiny x86", "bench-tiny-x86_64.log")
    assert one["smp"] == [1]
    four = dict(one, column="four", smp=[4])
    text = table(one, four)
    plain, marked = row(text, "preemptive switch (tick to next thread)")
    assert bench.ALL_CPUS_MARK not in plain and plain.split(";")[0] + bench.ALL_CPUS_MARK == \
        marked.split(";")[0]
    assert row(text, "voluntary switch")[0] == row(text, "voluntary switch")[1]  # one CPU's own
    assert "the guest had several CPUs (-smp 4)" in text
    assert bench.ALL_CPUS_MARK not in table(one)


SMP_BENCHES = ("ipi_call_roundtrip", "spinlock_uncontended", "spinlock_contended",
               "smp_scaling_16_threads")


@pytest.mark.parametrize("arch", kh.ARCHES)
def test_smp_benchmarks_measure_across_cpus(arch, builds):
    """The smp profile's cross-CPU benchmarks run on its CPUs (-smp from its configuration)
    and report in both units; the contended lock is contended: under -icount, where the CPUs
    take turns, each acquisition counts the others' turns too, so it takes at least one
    uncontended acquisition's instructions per CPU."""
    b = builds.built("smp", arch)
    ncpus = int(b.config()["CONFIG_QEMU_SMP"])
    assert ncpus >= 2
    proc = kh.qemu_run(arch, b.kernel, "bench", extra=["--no-boot-cost"],
                       append=["kiln.bench=" + ",".join(SMP_BENCHES)])
    assert proc.returncode == 0, kh.describe(proc)
    got = {(r[0], r[5]): r for r in kh.parse_kbench(proc.stdout)}
    for name in SMP_BENCHES:
        for unit in ("insn", "ns"):
            _, batches, _, lo, median, _ = got[(name, unit)]
            assert batches == 10 and 0 < lo <= median, got[(name, unit)]
    uncontended = got[("spinlock_uncontended", "insn")][3]
    assert got[("spinlock_contended", "insn")][3] >= ncpus * uncontended, proc.stdout
