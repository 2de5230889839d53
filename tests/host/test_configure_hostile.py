"""configure.py under hostile input: interrupted, run twice at once, fed bytes that are not
UTF-8, values C or Ninja would read differently, build directories in odd places. The answer
is a clear one-line error (exit 2) and the build directory as it was, or the whole new one."""

import fcntl
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

import kiln_harness as kh
from kiln_harness import DEFAULT_ARCH, DEFAULT_PROFILE, ROOT, SOURCE_DIRS, assert_config_error

NOT_UTF8 = os.fsdecode(b"\xff\xfe")  # argv bytes that are not UTF-8, as Python receives them


def generated(builddir):
    """{rel: bytes} of a build directory's generated files (no timestamps, no .kiln state)."""
    return {rel: (builddir / rel).read_bytes() for rel in kh.generated_files(builddir)}


def reference_trees(tmp_path, a, b):
    """The generated files of configuring profile a, and profile b, each in a fresh directory."""
    out = []
    for profile in (a, b):
        ref = tmp_path / ("ref-" + profile)
        proc = kh.configure_build_dir(ref, profile, DEFAULT_ARCH)
        assert proc.returncode == 0, kh.describe(proc)
        out.append({rel: data.replace(bytes(ref), b"@DIR@")
                    for rel, data in generated(ref).items()})
    return out


def same_as(builddir, ref):
    got = {rel: data.replace(bytes(builddir), b"@DIR@") for rel, data in generated(builddir).items()}
    return got == ref


def assert_clean_failure(proc, *expect):
    assert proc.returncode == 2, kh.describe(proc)
    assert "Traceback" not in proc.stderr, kh.describe(proc)
    for text in expect:
        assert text in proc.stderr, "expected %r\n%s" % (text, kh.describe(proc))


# ---------------------------------------------------------------------------
# Interrupted, concurrent and failing writes

def default_sigint():
    """In the child: Ctrl-C as in a terminal. A suite run in the background (`cmd &`) inherits
    SIGINT ignored, and Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_configure(builddir, profile):
    cmd = [sys.executable, kh.CONFIGURE, "--profile", profile, "--arch", DEFAULT_ARCH,
           "-o", str(builddir)]
    return subprocess.Popen(cmd, cwd=ROOT, env=kh.clean_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)


def test_ctrl_c_leaves_old_or_new_directory(tmp_path):
    """SIGINT at every moment of a run: exit 0 or a one-line exit 2, and never a mix."""
    old, new = reference_trees(tmp_path, "tiny", "secure")
    builddir = tmp_path / "build"
    t0 = time.monotonic()
    proc = start_configure(builddir, "tiny")
    proc.communicate()
    span = time.monotonic() - t0
    rng = random.Random(7)
    outcomes = {0: 0, 2: 0, "startup": 0}
    current = old
    # Until enough interrupts landed in configure.py itself: on a loaded machine many land in
    # the interpreter's start-up instead.
    for i in range(200):
        if outcomes[2] >= 8:
            break
        profile, tree = ("secure", new) if i % 2 == 0 else ("tiny", old)
        proc = start_configure(builddir, profile)
        time.sleep(rng.uniform(0, span))
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate()
        if proc.returncode == -signal.SIGINT or (proc.returncode == 1 and
                                                 err.startswith("Fatal Python error")):
            # The interpreter's own start-up, before configure.py runs: nothing has changed.
            assert same_as(builddir, current), "interrupted start-up changed %s" % builddir
            outcomes["startup"] += 1
            continue
        assert proc.returncode in (0, 2), "exit %s:\n%s" % (proc.returncode, err)
        assert "Traceback" not in err, err
        if proc.returncode == 2:
            assert "interrupted" in err and len(err.strip().splitlines()) == 1, err
        outcomes[proc.returncode] += 1
        if same_as(builddir, tree):
            current = tree
        assert same_as(builddir, current), \
            "run %d left a mix of the two configurations in %s" % (i, builddir)
        assert not list(builddir.rglob("*.kiln-*")), "staging files left behind"
    assert outcomes[2] >= 8, "too few runs were interrupted: %s" % outcomes


def test_concurrent_configures_leave_one_of_them(tmp_path):
    old, new = reference_trees(tmp_path, "tiny", "secure")
    builddir = tmp_path / "build"
    for i in range(8):
        procs = [start_configure(builddir, p) for p in ("tiny", "secure")]
        for p in procs:
            _, err = p.communicate()
            assert p.returncode == 0, err
        assert same_as(builddir, old) or same_as(builddir, new), \
            "round %d left a mix of the two configurations" % i


def test_configure_waits_for_the_directory_lock(configured_dir):
    """While another process holds the lock, configure touches nothing; then it runs."""
    before = kh.snapshot(configured_dir)
    with open(configured_dir / ".kiln" / "lock") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = start_configure(configured_dir, "secure")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
            if kh.snapshot_diff(before, kh.snapshot(configured_dir)):
                break
        assert proc.poll() is None, "configure did not wait for the lock"
        assert not kh.snapshot_diff(before, kh.snapshot(configured_dir)), \
            "configure wrote while another process held the lock"
    out, err = proc.communicate(timeout=kh.CONFIGURE_TIMEOUT)
    assert proc.returncode == 0, err
    assert "waiting for another configure" in err
    assert kh.read_config(configured_dir)["CONFIG_STACKPROTECTOR"] == "y"


def chattr(path, flag):
    tool = shutil.which("chattr")
    if tool is None:
        pytest.skip("chattr (e2fsprogs) is missing")
    proc = kh.run([tool, flag, path], kh.TOOL_TIMEOUT)
    if proc.returncode != 0:
        pytest.skip("this file system has no immutable flag: %s" % proc.stderr.strip())


def test_rename_failing_midway_restores_everything(configured_dir):
    """build.ninja is replaced last; when that fails, the files replaced before it go back."""
    before = kh.snapshot(configured_dir)
    chattr(configured_dir / "build.ninja", "+i")
    try:
        proc = kh.configure_build_dir(configured_dir, "secure", DEFAULT_ARCH)
    finally:
        chattr(configured_dir / "build.ninja", "-i")
    assert_clean_failure(proc, "build.ninja", "the build directory is unchanged")
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


def test_killed_commit_makes_ninja_regenerate(configured_dir):
    """Without the completion stamp (a commit cut short by SIGKILL), Ninja regenerates."""
    (configured_dir / ".kiln" / "configured").unlink()
    proc = kh.ninja(configured_dir, "build.ninja")
    assert "CONFIGURE" in proc.stdout, kh.describe(proc)
    assert (configured_dir / ".kiln" / "configured").is_file()


def in_mount_namespace(script, tmp_path):
    """Run a shell script as root in a private mount namespace, or skip."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare (util-linux) for a private mount namespace")
    probe = kh.run(["unshare", "-m", "true"], kh.TOOL_TIMEOUT)
    if probe.returncode != 0:
        pytest.skip("unshare -m is not permitted here: " + probe.stderr.strip())
    return kh.run(["unshare", "-m", "sh", "-ec", script], kh.CONFIGURE_TIMEOUT * 2, cwd=tmp_path)


def configure_cmd(builddir, profile=DEFAULT_PROFILE):
    return " ".join(map(str, [sys.executable, kh.CONFIGURE, "--profile", profile, "--arch",
                              DEFAULT_ARCH, "-o", builddir]))


def test_output_at_a_mount_point(tmp_path):
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    proc = in_mount_namespace("mount -t tmpfs none %s\n%s\ntest -f %s/build.ninja"
                              % (mnt, configure_cmd(mnt), mnt), tmp_path)
    assert proc.returncode == 0, kh.describe(proc)


def test_read_only_mount_is_named(configured_dir, tmp_path):
    before = kh.snapshot(configured_dir)
    gen = configured_dir / "generated"
    proc = in_mount_namespace("mount --bind -o ro %s %s\n%s" % (gen, gen, configure_cmd(
        configured_dir, "secure")), tmp_path)
    assert_clean_failure(proc, "Read-only file system")
    assert "cross-device" not in proc.stderr, kh.describe(proc)
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


# ---------------------------------------------------------------------------
# Bytes that are not UTF-8, no terminal, a closed pipe

@pytest.mark.parametrize("option", ["--set", "--set-a", "--set-b"])
def test_set_value_not_utf8(option, configured_dir, tmp_path):
    value = "CONFIG_QEMU_CPU=max" + NOT_UTF8
    if option == "--set":
        assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH, "--set", value],
                            ["not valid UTF-8", "\\xff"], configured_dir, tmp_path)
    proc = kh.configure("diff", "tiny", "secure", "--arch", DEFAULT_ARCH, option, value)
    assert_clean_failure(proc, option, "not valid UTF-8")


def test_fragment_not_utf8(tree, tmp_path):
    copy, protect = tree
    frag = copy / "profiles" / (DEFAULT_PROFILE + ".config")
    frag.write_bytes(frag.read_bytes() + b"# caf\xe9\n")
    line = len(frag.read_bytes().splitlines())
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["profiles/%s.config:%d: not valid UTF-8" % (DEFAULT_PROFILE, line)],
                        protect, tmp_path, root=copy)


@pytest.mark.parametrize("command", ["savedefconfig", "regenerate", "menuconfig"])
def test_config_not_utf8(command, configured_dir):
    cfg = configured_dir / ".config"
    cfg.write_bytes(cfg.read_bytes() + b"# \xc3\x28\n")
    before = kh.snapshot(configured_dir)
    proc = kh.configure(command, "-o", configured_dir)
    assert_clean_failure(proc, ".config:%d: not valid UTF-8" % len(cfg.read_bytes().splitlines()))
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


def test_menuconfig_without_a_terminal(configured_dir):
    before = kh.snapshot(configured_dir)
    proc = kh.configure("menuconfig", "-o", configured_dir)
    assert_clean_failure(proc, "menuconfig needs an interactive terminal")
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


def test_closed_output_pipe():
    """`configure.py list | head -1`: the reader is gone; no traceback, exit 2."""
    read, write = os.pipe()
    os.close(read)
    proc = subprocess.run([sys.executable, kh.CONFIGURE, "list"], cwd=ROOT, env=kh.clean_env(),
                          stdout=write, stderr=subprocess.PIPE, text=True,
                          timeout=kh.CONFIGURE_TIMEOUT)
    os.close(write)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_profile_named_folder_is_not_a_profile(tree, tmp_path):
    copy, protect = tree
    (copy / "profiles" / "x.config").mkdir()
    proc = kh.configure("list", root=copy)
    assert proc.returncode == 0, kh.describe(proc)
    assert not re.search(r"^\s+x\s", proc.stdout, re.M), proc.stdout
    proc = kh.configure_build_dir(tmp_path / "ok", DEFAULT_PROFILE, DEFAULT_ARCH, root=copy)
    assert proc.returncode == 0, kh.describe(proc)
    assert_config_error(["--profile", "x", "--arch", DEFAULT_ARCH], ["unknown profile 'x'"],
                        protect, tmp_path, root=copy)


# ---------------------------------------------------------------------------
# Values that Kconfig takes but C or Ninja would read differently

@pytest.mark.parametrize("value", ["010", "09", "\u0664", "+4", " 4", "0x4"])
def test_int_that_c_reads_differently(value, configured_dir, tmp_path):
    assert_config_error(["--profile", "secure", "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_NR_CPUS=" + value],
                        ["CONFIG_NR_CPUS", "not a valid int value"], configured_dir, tmp_path)


def test_negative_timeout(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_QEMU_TIMEOUT_SECONDS=-1"],
                        ["CONFIG_QEMU_TIMEOUT_SECONDS", "outside its allowed range"],
                        configured_dir, tmp_path)


def test_every_number_has_a_range():
    import kconfiglib
    os.environ["srctree"] = str(ROOT)
    kconf = kconfiglib.Kconfig(str(ROOT / "Kconfig"), warn=False)
    unbounded = [s.name for s in kconf.unique_defined_syms
                 if s.type in (kconfiglib.INT, kconfiglib.HEX) and not s.ranges]
    assert not unbounded, "int/hex symbols without a range: %s" % unbounded


def test_dollar_and_quote_reach_qemu_verbatim(tmp_path):
    """A string value is one shell word in build.ninja, whatever it holds."""
    cpu = "max,$HOME x'\"`;"
    sym = "CONFIG_QEMU_CPU"
    proc = kh.configure_build_dir(tmp_path, DEFAULT_PROFILE, DEFAULT_ARCH, sets=[sym + "=" + cpu])
    assert proc.returncode == 0, kh.describe(proc)
    proc = kh.ninja(tmp_path, "-t", "commands", "test")
    assert proc.returncode == 0, kh.describe(proc)
    qemu = [l for l in proc.stdout.splitlines() if "qemu-run.py" in l][0]
    echo = kh.run(["sh", "-c", "printf '%s\\n' " + qemu.split("--cpu ", 1)[1].split(" --")[0]],
                  kh.TOOL_TIMEOUT)
    assert echo.stdout == cpu + "\n", qemu


@pytest.mark.parametrize("lines, expect", [
    (["CONFIG_NR_CPUS=2", "CONFIG_NR_CPUS=3"], ["CONFIG_NR_CPUS=3 conflicts with", ":2"]),
    (["CONFIG_CC_OPTIMIZE_SIZE=y", "CONFIG_CC_OPTIMIZE_PERFORMANCE=y"],
     ["both select the one choice", "CONFIG_CC_OPTIMIZE_SIZE=y", "CONFIG_CC_OPTIMIZE_PERFORMANCE=y"]),
])
def test_fragment_contradicts_itself(lines, expect, tree, tmp_path):
    copy, protect = tree
    (copy / "profiles" / "twice.config").write_text("# twice: contradicts itself\n" +
                                                    "\n".join(lines) + "\n")
    assert_config_error(["--profile", "twice", "--arch", DEFAULT_ARCH],
                        ["profiles/twice.config:3"] + expect, protect, tmp_path, root=copy)


def test_set_contradicts_itself(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_CTXSWITCH_FULL_FRAME=y",
                         "--set", "CONFIG_CTXSWITCH_CALLEE_SAVED=y"],
                        ["--set CONFIG_CTXSWITCH_FULL_FRAME=y", "--set CONFIG_CTXSWITCH_CALLEE_SAVED=y",
                         "both select"], configured_dir, tmp_path)


def test_cross_compile_survives_regeneration(tmp_path):
    """The toolchain a directory was configured with is kept when Ninja regenerates it."""
    gcc = shutil.which(kh.arch_gcc(DEFAULT_ARCH))
    bindir = tmp_path / "my tools"
    bindir.mkdir()
    prefix = str(bindir) + "/kiln-"
    for tool in kh.ARCH_TOOLS[DEFAULT_ARCH]:
        real = shutil.which(kh.ARCH_TOOL_PREFIX[DEFAULT_ARCH] + tool)
        (bindir / ("kiln-" + tool)).symlink_to(real or gcc)
    out = tmp_path / "build"
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, DEFAULT_ARCH,
                                  env=kh.clean_env(CROSS_COMPILE=prefix))
    assert proc.returncode == 0, kh.describe(proc)
    os.utime(out / "build.ninja", (1_000_000_000, 1_000_000_000))  # older than every input
    proc = kh.ninja(out, "build.ninja")
    assert proc.returncode == 0 and "CONFIGURE" in proc.stdout, kh.describe(proc)
    assert kh.read_config(out)["CONFIG_CROSS_COMPILE"] == prefix
    commands = kh.ninja(out, "-t", "commands", "obj/kernel/main.o").stdout
    assert "'%sgcc'" % prefix in commands, commands


# ---------------------------------------------------------------------------
# Where the build directory goes

@pytest.mark.parametrize("where", sorted(set(SOURCE_DIRS) - {".git"}) + [".", "profiles/mine.config",
                                                                         "components/out"])
def test_build_directory_inside_the_source_tree(where, tree, tmp_path):
    copy, protect = tree
    target = copy / where
    before = kh.snapshot(copy)
    proc = kh.configure("--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH, "-o", target,
                        root=copy)
    assert_clean_failure(proc, "is inside the source folder")
    assert not kh.snapshot_diff(before, kh.snapshot(copy)), "the source tree changed"


def test_dangling_symlink_output(tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    proc = kh.configure_build_dir(link, DEFAULT_PROFILE, DEFAULT_ARCH)
    assert_clean_failure(proc, "symbolic link", "does not exist")
    assert not (tmp_path / "nowhere").exists()


def test_source_tree_path_with_spaces(tmp_path):
    """Include paths and commands quote the tree's location: it builds and boots."""
    copy = kh.copy_tree(tmp_path / "a tree with spaces $and dollars")
    out = tmp_path / "build dir"
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, DEFAULT_ARCH, root=copy)
    assert proc.returncode == 0, kh.describe(proc)
    proc = kh.ninja(out, "test")
    assert proc.returncode == 0, kh.describe(proc)


# ---------------------------------------------------------------------------
# Messages that name the right culprit

def test_arch_symbol_set_points_at_arch_option(configured_dir, tmp_path):
    other = [a for a in kh.ARCHES if a != DEFAULT_ARCH]
    if not other:
        pytest.skip("one arch only")
    sym = "CONFIG_ARCH_" + other[0].upper()
    proc = assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                                "--set", sym + "=y"],
                               ["--set %s=y" % sym, "--arch %s" % other[0]], configured_dir,
                               tmp_path)
    assert "defconfig" not in proc.stderr, kh.describe(proc)


def test_config_path_relative_to_current_directory(configured_dir, tmp_path):
    cfg = configured_dir / ".config"
    cfg.write_text(cfg.read_text() + "CONFIG_NR_CPUS=0\n")
    line = len(cfg.read_text().splitlines())
    proc = kh.run([sys.executable, kh.CONFIGURE, "regenerate", "-o", "build"], kh.CONFIGURE_TIMEOUT,
                  cwd=tmp_path)
    assert_clean_failure(proc, "build/.config:%d:" % line)
