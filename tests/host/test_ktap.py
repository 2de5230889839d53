"""The host-side KTAP parser (kiln_harness.Ktap): it must check KTAP's structure, not just
pick result lines out of the output, so that malformed kernel output fails the boot tests."""

import pytest

import kiln_harness as kh

# What the kernel prints: a test's diagnostics at its own level, before its result.
FLAT = """\
Kiln: profile=tiny arch=x86_64 platform=kvm-x86_64
KTAP version 1
1..3
# printk: console ok
ok 1 printk_console
# demo_failure.c:12: KEXPECT_EQ(2 + 2, 5) failed: 2 + 2 == 0x4 (4), 5 == 0x5 (5)
not ok 2 demo_failure_wrong_sum
EXCEPTION 8 #DF Double Fault on CPU 0, error code 0x0
Backtrace:
  [pc] 0xffffffff80113214
  [ 0] 0xffffffff80113250
ok 3 thread_stack_overflow_kills_thread
# kiln: 2 passed, 1 failed
"""


def test_flat_output_parses():
    ktap = kh.Ktap(FLAT)
    assert ktap.version_seen and ktap.plan == 3
    assert ktap.names == ["printk_console", "demo_failure_wrong_sum",
                          "thread_stack_overflow_kills_thread"]
    assert [r[2] for r in ktap.failed()] == ["demo_failure_wrong_sum"]
    assert ktap.diagnostics_before("printk_console") == ["# printk: console ok"]
    diag = ktap.diagnostics_before("demo_failure_wrong_sum")
    assert len(diag) == 1 and "KEXPECT_EQ(2 + 2, 5)" in diag[0]
    # Indented kernel log (a backtrace) is not KTAP: ignored, not nesting.
    assert ktap.diagnostics_before("thread_stack_overflow_kills_thread") == []


@pytest.mark.parametrize("line", ["    # printk: console ok", "  # two spaces", "    ok 9 x",
                                  "    not ok 9 x", "    1..2"])
def test_indented_line_without_subtest_is_rejected(line):
    """The kernel's old output put diagnostics 4 spaces in: KTAP reads that as a subtest's
    line, and there is no subtest."""
    text = FLAT.replace("# printk: console ok", line)
    with pytest.raises(ValueError, match=r"line 4 is indented \d spaces"):
        kh.Ktap(text)


def test_subtests_nest():
    text = """\
KTAP version 1
1..2
    KTAP version 1
    # Subtest: suite
    1..2
    # inner diagnostic
    ok 1 inner_a
    not ok 2 inner_b
not ok 1 suite
# outer diagnostic
ok 2 plain
"""
    ktap = kh.Ktap(text)
    assert ktap.plan == 2
    assert ktap.names == ["suite", "plain"]
    assert ktap.diagnostics_before("plain") == ["# outer diagnostic"]
    # Two levels down without an opening line is still wrong.
    with pytest.raises(ValueError, match="line 6"):
        kh.Ktap(text.replace("    # inner diagnostic", "        # inner diagnostic"))
    # After the subtest closed, its level is gone again.
    with pytest.raises(ValueError, match="line 10"):
        kh.Ktap(text.replace("# outer diagnostic", "    # outer diagnostic"))


def test_two_headers_are_rejected():
    with pytest.raises(ValueError, match="two KTAP headers"):
        kh.Ktap(FLAT + "KTAP version 1\n")
