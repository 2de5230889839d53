"""The kernel command line: filters that select nothing, values and whole lines that do not
fit. Nothing is cut short or quietly ignored: each case fails the boot with a message that
names the pattern or the limit, and nothing runs."""

import re

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_PROFILE

# The longest line the kernel takes: its buffer less the NUL.
CMDLINE_MAX = kh.c_define("kernel/include/kiln/boot.h", "BOOT_CMDLINE_MAX") - 1
# The longest line each boot route hands over intact, for arches that have such a limit.
APPEND_MAX = {a: kh.qemu_facts(a)["append_max"] for a in ARCHES if "append_max" in kh.qemu_facts(a)}
# A test and a benchmark every arch has.
SOME_TEST = "cmdline_finds_values"
SOME_BENCH = "page_alloc_free"


def boot(build, *words, mode="test", extra=()):
    return kh.qemu_run(build.arch, build.kernel, mode, append=words, extra=extra)


def failed_before_running(proc):
    """The kernel refused: FAIL, and neither tests nor benchmarks ran."""
    assert proc.returncode == 1 and "kiln: kernel reported FAIL" in proc.stdout, \
        kh.describe(proc)
    assert "KTAP version" not in proc.stdout and "kbench: name=" not in proc.stdout, \
        kh.describe(proc)


def padded(length, *words):
    """--append words that make the runner's line ('kiln.mode=test' + words) exactly length
    bytes, with a pad= word first; and that line."""
    fixed = " ".join(("kiln.mode=test", "pad=") + words)
    assert length >= len(fixed)
    words = ("pad=" + "x" * (length - len(fixed)),) + words
    return list(words), " ".join(("kiln.mode=test",) + words)


# ---------------------------------------------------------------------------
# Filters

@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("patterns, unmatched", [
    ("nosuchtest", ["nosuchtest"]),
    ("printk*,nosuch", ["nosuch"]),  # one bad pattern in a list is enough
    ("printk*,", [""]),  # so is an empty one
    ("nosuch*,printk*,zz", ["nosuch*", "zz"]),
], ids=["name", "in-list", "empty", "two"])
def test_test_filter_matching_nothing_fails(arch, patterns, unmatched, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    proc = boot(b, "kiln.test=" + patterns)
    failed_before_running(proc)
    reported = re.findall(r"^kiln: kiln\.test=\S*: pattern '([^']*)' matches no test$",
                          proc.stdout, re.M)
    assert reported == unmatched, kh.describe(proc)


@pytest.mark.parametrize("arch", ARCHES)
def test_bench_filter_matching_nothing_fails(arch, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    # The runner's first boot measures the boot cost in test mode: keep it to one test.
    proc = boot(b, "kiln.test=" + SOME_TEST, "kiln.bench=%s,zzz" % SOME_BENCH, mode="bench")
    assert proc.returncode != 0, kh.describe(proc)
    assert "kiln: kernel reported FAIL" in proc.stdout, kh.describe(proc)
    assert re.findall(r"^kiln: kiln\.bench=\S*: pattern '([^']*)' matches no benchmark$",
                      proc.stdout, re.M) == ["zzz"], kh.describe(proc)
    assert "kbench: name=" not in proc.stdout and "benchmark summary" not in proc.stdout


@pytest.mark.parametrize("arch", ARCHES)
def test_value_longer_than_its_buffer_fails(arch, builds):
    """kiln.test takes 127 bytes: a longer list is refused, not cut to a shorter one."""
    b = builds.built(DEFAULT_PROFILE, arch)
    value = ",".join([SOME_TEST] * 7)
    assert 127 < len(value) < CMDLINE_MAX - 40
    proc = boot(b, "kiln.test=" + value)
    failed_before_running(proc)
    assert "kiln: kiln.test= value too long (%d bytes): the limit is 127 bytes" % len(value) \
        in proc.stdout, kh.describe(proc)


# ---------------------------------------------------------------------------
# Length of the whole line

@pytest.mark.parametrize("arch", ARCHES)
def test_cmdline_at_the_limit(arch, builds):
    """The last word says kiln.mode=bench: at the limit it is honoured; one byte more and
    the kernel refuses the line rather than drop that word and run the self-tests."""
    b = builds.built(DEFAULT_PROFILE, arch)
    tail = ("kiln.bench=" + SOME_BENCH, "kiln.mode=bench")
    words, line = padded(CMDLINE_MAX, *tail)
    proc = boot(b, *words)
    assert proc.returncode == 0, kh.describe(proc)
    assert [r[0] for r in kh.parse_kbench(proc.stdout)
            if r[0] not in kh.BENCH_FIGURES] == [SOME_BENCH], kh.describe(proc)
    assert "KTAP version" not in proc.stdout

    words, line = padded(CMDLINE_MAX + 1, *tail)
    proc = boot(b, *words)
    failed_before_running(proc)
    assert "kiln: command line too long (%d bytes): the limit is %d bytes" % (
        len(line), CMDLINE_MAX) in proc.stdout, kh.describe(proc)


@pytest.mark.parametrize("arch", ARCHES)
@pytest.mark.parametrize("length", [5000, 20000])
def test_cmdline_far_too_long(arch, length, builds):
    b = builds.built(DEFAULT_PROFILE, arch)
    words, line = padded(length, "kiln.test=" + SOME_TEST)
    refused = "kiln: command line too long"
    limit = "the limit is %d bytes" % CMDLINE_MAX

    proc = boot(b, *words)
    if length > APPEND_MAX.get(arch, length):
        # The runner does not boot what QEMU's boot route would corrupt.
        assert proc.returncode == 1, kh.describe(proc)
        assert "is %d bytes" % length in proc.stderr, kh.describe(proc)
        assert "at most %d" % APPEND_MAX[arch] in proc.stderr, kh.describe(proc)
        assert "kiln: qemu-system" not in proc.stdout, kh.describe(proc)
    else:
        failed_before_running(proc)
        assert "%s (%d bytes): %s" % (refused, length, limit) in proc.stdout, \
            kh.describe(proc)

    # Past the runner (QEMU takes the last -append), the kernel still refuses it cleanly,
    # whatever the boot route did to the line.
    proc = boot(b, extra=["--qemu-arg=-append", "--qemu-arg=" + line])
    failed_before_running(proc)
    assert refused in proc.stdout and limit in proc.stdout, kh.describe(proc)
    assert "PANIC" not in proc.stdout, kh.describe(proc)
