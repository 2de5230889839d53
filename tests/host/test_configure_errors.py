"""Every error path of configure.py: exit status 2, a message that says what is wrong, and
the build directory left exactly as it was (and not created when it did not exist)."""

import os
import re
import shutil

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_ARCH, DEFAULT_PROFILE, PROFILES, ROOT, assert_config_error


def kconfig_range(symbol):
    """(low, high) of `config SYMBOL ... range LOW HIGH` anywhere in the tree's Kconfig files."""
    for path in ROOT.rglob("Kconfig*"):
        if "build" in path.relative_to(ROOT).parts:
            continue
        m = re.search(r"^config %s\n((?:[ \t].*\n|\n)*)" % symbol, path.read_text(), re.M)
        if m:
            r = re.search(r"^\s+range (\d+) (\d+)", m.group(1), re.M)
            if r:
                return r.group(1), r.group(2)
    raise AssertionError("no range found for %s" % symbol)


# ---------------------------------------------------------------------------
# Profile, arch and --set errors

def test_unknown_profile(configured_dir, tmp_path):
    assert_config_error(["--profile", "no_such_profile", "--arch", DEFAULT_ARCH],
                        ["unknown profile 'no_such_profile'",
                         "valid profiles: " + ", ".join(PROFILES)], configured_dir, tmp_path)


def test_base_is_not_a_profile(configured_dir, tmp_path):
    assert_config_error(["--profile", "base", "--arch", DEFAULT_ARCH],
                        ["unknown profile 'base'"], configured_dir, tmp_path)


def test_unknown_arch(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", "no_such_arch"],
                        ["unknown arch 'no_such_arch'", "valid arches: " + ", ".join(ARCHES)],
                        configured_dir, tmp_path)


def test_unmet_dependency_names_symbol_values_and_dependency(configured_dir, tmp_path):
    proc = assert_config_error(
        ["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
         "--set", "CONFIG_KTEST_DEMO_FAILURE=y", "--set", "CONFIG_KTEST=n"],
        ["CONFIG_KTEST_DEMO_FAILURE", "asked y", "got n", "depends on KTEST"],
        configured_dir, tmp_path)
    # The offending assignment is named as given.
    assert "--set CONFIG_KTEST_DEMO_FAILURE=y" in proc.stderr


def test_value_outside_range(configured_dir, tmp_path):
    lo, hi = kconfig_range("NR_CPUS")
    too_big = str(int(hi) + 935)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_NR_CPUS=" + too_big],
                        ["CONFIG_NR_CPUS", "asked " + too_big, "range", "%s..%s" % (lo, hi)],
                        configured_dir, tmp_path)


@pytest.mark.skipif("arm64" not in ARCHES, reason="no arm64 in this tree")
def test_gicv2_refuses_more_than_8_cpus(configured_dir, tmp_path):
    """GICv2 has 8 CPU interfaces: a conditional range refuses -smp 9 with it, and says why."""
    assert_config_error(["--profile", "smp", "--arch", "arm64",
                         "--set", "CONFIG_QEMU_ARM64_GIC_VERSION=2", "--set", "CONFIG_QEMU_SMP=9"],
                        ["CONFIG_QEMU_SMP", "asked 9", "1..8 if QEMU_ARM64_GIC_VERSION = 2"],
                        configured_dir, tmp_path)


@pytest.mark.parametrize("arch", ARCHES)
def test_common_page_tables_refuse_smp(arch, configured_dir, tmp_path):
    """One table set cannot say two things at once: the common strategy needs one CPU."""
    assert_config_error(["--profile", "smp", "--arch", arch,
                         "--set", "CONFIG_PAGETABLE_COMMON=y"],
                        ["--set CONFIG_PAGETABLE_COMMON=y", "asked y", "got n",
                         "depends on !SMP"], configured_dir, tmp_path)


def test_value_of_wrong_type(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_NR_CPUS=many"],
                        ["CONFIG_NR_CPUS=many", "not a valid int value"], configured_dir, tmp_path)


def test_choice_member_cannot_be_switched_off(configured_dir, tmp_path):
    assert_config_error(["--profile", "tiny", "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_CC_OPTIMIZE_SIZE=n"],
                        ["CONFIG_CC_OPTIMIZE_SIZE", "asked n", "got y", "choice"],
                        configured_dir, tmp_path)


@pytest.mark.skipif("arm64" not in ARCHES, reason="no arch/arm64/defconfig in the tree yet")
def test_x86_only_variant_on_arm64(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", "arm64",
                         "--set", "CONFIG_PERCPU_GSBASE=y"],
                        ["CONFIG_PERCPU_GSBASE", "asked y", "got n", "depends on ARCH_X86_64"],
                        configured_dir, tmp_path)


def test_unknown_symbol(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "--set", "CONFIG_NO_SUCH_THING=y"],
                        ["--set CONFIG_NO_SUCH_THING=y", "unknown symbol CONFIG_NO_SUCH_THING"],
                        configured_dir, tmp_path)


@pytest.mark.parametrize("bad", ["FOO=y", "CONFIG_FOO", "CONFIG_=y", ""])
def test_malformed_set(bad, configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH, "--set", bad],
                        ["--set %r" % bad, "expected CONFIG_NAME=value"], configured_dir, tmp_path)


def test_unknown_option(configured_dir, tmp_path):
    assert_config_error(["--profile", DEFAULT_PROFILE, "--no-such-option"],
                        ["unrecognized arguments: --no-such-option"], configured_dir, tmp_path)


# ---------------------------------------------------------------------------
# Tools

@pytest.mark.parametrize("arch", ARCHES)
def test_missing_compiler_names_debian_package(arch, configured_dir, tmp_path):
    if arch not in kh.ARCH_GCC_PACKAGE:
        pytest.skip("no known compiler package for arch %s" % arch)
    pkg = kh.ARCH_GCC_PACKAGE[arch]
    bindir = tool_bin_dir(tmp_path / "bin", arch, with_ninja=True, with_gcc=False)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", arch],
                        ["missing tool %sgcc" % kh.ARCH_TOOL_PREFIX[arch],
                         "Debian package %s" % pkg, "apt-get install %s" % pkg],
                        configured_dir, tmp_path, env=kh.clean_env(PATH=str(bindir)))


@pytest.mark.parametrize("arch", ARCHES)
def test_bogus_cross_prefix_is_named(arch, configured_dir, tmp_path):
    """A wrong CROSS_COMPILE is the prefix's fault, not a package to install."""
    proc = assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", arch],
                               ["missing tool bogus-gcc", "CROSS_COMPILE=bogus-",
                                "default prefix for %s" % arch],
                               configured_dir, tmp_path, env=kh.clean_env(CROSS_COMPILE="bogus-"))
    assert "apt-get install" not in proc.stderr, kh.describe(proc)


def tool_bin_dir(path, arch, with_ninja, with_gcc=True):
    """A directory of symlinks to the arch's build tools (and optionally ninja), no QEMU."""
    path.mkdir()
    names = [kh.ARCH_TOOL_PREFIX[arch] + t for t in kh.ARCH_TOOLS[arch]
             if with_gcc or t != "gcc"]
    if with_ninja:
        names.append("ninja")
    for name in names:
        found = shutil.which(name)
        if found is None:
            pytest.skip("%s is not installed" % name)
        (path / name).symlink_to(found)
    return path


@pytest.mark.parametrize("arch", ARCHES)
def test_missing_ninja_names_debian_package(arch, configured_dir, tmp_path):
    if arch not in kh.ARCH_TOOL_PREFIX:
        pytest.skip("no known toolchain for arch %s" % arch)
    bindir = tool_bin_dir(tmp_path / "bin", arch, with_ninja=False)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", arch],
                        ["missing tool ninja", "Debian package ninja-build"],
                        configured_dir, tmp_path, env=kh.clean_env(PATH=str(bindir)))


@pytest.mark.parametrize("arch", ARCHES)
def test_compiler_without_headers_names_debian_package(arch, configured_dir, tmp_path):
    """A compiler that cannot name its own header directory (as gcc does when its libgcc-dev
    files are missing: it echoes the bare name) is refused; the kernel needs its stddef.h."""
    if arch not in kh.ARCH_GCC_PACKAGE:
        pytest.skip("no known compiler package for arch %s" % arch)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in (t for t in kh.ARCH_TOOLS[arch] if t != "gcc"):
        found = shutil.which(kh.ARCH_TOOL_PREFIX[arch] + tool)
        if found is None:
            pytest.skip("%s%s is not installed" % (kh.ARCH_TOOL_PREFIX[arch], tool))
        (bindir / tool).symlink_to(found)
    (bindir / "gcc").write_text("#!/bin/sh\necho include\n")
    (bindir / "gcc").chmod(0o755)
    pkg = kh.ARCH_GCC_PACKAGE[arch]
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", arch],
                        ["%s/gcc has no header directory" % bindir, "Debian package %s" % pkg,
                         "apt-get install %s" % pkg],
                        configured_dir, tmp_path, env=kh.clean_env(CROSS_COMPILE=str(bindir) + "/"))


@pytest.mark.parametrize("arch", ARCHES)
def test_missing_qemu_is_only_a_warning(arch, tmp_path):
    if arch not in kh.ARCH_QEMU:
        pytest.skip("no known QEMU for arch %s" % arch)
    bindir = tool_bin_dir(tmp_path / "bin", arch, with_ninja=True)
    qemu, pkg = kh.ARCH_QEMU[arch]
    out = tmp_path / "build"
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, arch, env=kh.clean_env(PATH=str(bindir)))
    assert proc.returncode == 0, kh.describe(proc)
    assert "warning" in proc.stderr and qemu in proc.stderr and pkg in proc.stderr, \
        kh.describe(proc)
    assert (out / "build.ninja").is_file()


# ---------------------------------------------------------------------------
# Python interpreter and modules

@pytest.fixture
def debian_python():
    if not os.access(kh.DEBIAN_PYTHON, os.X_OK):
        pytest.skip("%s is not installed" % kh.DEBIAN_PYTHON)
    return kh.DEBIAN_PYTHON


def test_missing_python_module_names_debian_package(debian_python):
    # -S hides dist-packages; KILN_REEXEC=1 stops configure.py from re-running itself.
    env = kh.clean_env(KILN_REEXEC="1")
    proc = kh.run([debian_python, "-S", kh.CONFIGURE, "list"], kh.CONFIGURE_TIMEOUT, cwd=ROOT,
                  env=env)
    assert proc.returncode == 2, kh.describe(proc)
    for text in ("missing Python module", "kconfiglib", "python3-kconfiglib", "python3-jinja2",
                 "apt-get install"):
        assert text in proc.stderr, kh.describe(proc)
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_python_module_leaves_directory_alone(debian_python, configured_dir, tmp_path):
    """The configure command under `python3 -S` (modules missing) touches nothing."""
    wrapper = tmp_path / "python-S"
    wrapper.write_text("#!/bin/sh\nexec %s -S \"$@\"\n" % debian_python)
    wrapper.chmod(0o755)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["missing Python module", "python3-kconfiglib"], configured_dir, tmp_path,
                        python=str(wrapper), env=kh.clean_env(KILN_REEXEC="1"))


def test_configure_with_debian_python(debian_python, tmp_path):
    out = tmp_path / "build"
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, DEFAULT_ARCH, python=debian_python)
    assert proc.returncode == 0, kh.describe(proc)
    assert (out / ".config").is_file() and (out / "build.ninja").is_file()


def test_configure_through_its_shebang(tmp_path):
    """./configure.py as documented: whatever python3 the PATH finds, it ends up working."""
    out = tmp_path / "build"
    proc = kh.run([kh.CONFIGURE, "--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH, "-o", out],
                  kh.CONFIGURE_TIMEOUT, cwd=ROOT)
    assert proc.returncode == 0, kh.describe(proc)
    assert (out / "build.ninja").is_file()


def other_python():
    """A python3 on PATH that is not Debian's /usr/bin/python3, or None."""
    found = shutil.which("python3")
    if found is None:
        return None
    if os.path.exists(kh.DEBIAN_PYTHON) and \
            os.path.realpath(found) == os.path.realpath(kh.DEBIAN_PYTHON):
        return None
    return found


def test_configure_with_another_python(tmp_path):
    other = other_python()
    if other is None:
        pytest.skip("the python3 on PATH is %s itself; no other interpreter to try"
                    % kh.DEBIAN_PYTHON)
    out = tmp_path / "build"
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, DEFAULT_ARCH, python=other)
    assert proc.returncode == 0, kh.describe(proc)
    # The interpreter recorded for regeneration must be one that has the modules.
    m = re.search(r"^python = (.*)$", (out / "build.ninja").read_text(), re.M)
    assert m, "no 'python =' line in build.ninja"
    probe = kh.run([m.group(1), "-c", "import kconfiglib, jinja2"], kh.TOOL_TIMEOUT)
    assert probe.returncode == 0, "build.ninja runs configure with %s, which cannot import " \
        "kconfiglib/jinja2:\n%s" % (m.group(1), kh.describe(probe))


def test_reexec_guard_stops_at_other_python(configured_dir, tmp_path):
    """With KILN_REEXEC set, an interpreter without the modules reports instead of looping."""
    other = other_python()
    if other is None:
        pytest.skip("no python3 other than %s on PATH" % kh.DEBIAN_PYTHON)
    probe = kh.run([other, "-c", "import kconfiglib, jinja2"], kh.TOOL_TIMEOUT)
    if probe.returncode == 0:
        pytest.skip("%s has kconfiglib and jinja2 itself" % other)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["missing Python module", "python3-kconfiglib"], configured_dir, tmp_path,
                        python=other, env=kh.clean_env(KILN_REEXEC="1"))


# ---------------------------------------------------------------------------
# Commands that work on an existing build directory

@pytest.mark.parametrize("command", ["regenerate", "savedefconfig", "menuconfig"])
def test_directory_commands_need_a_configured_directory(command, tmp_path):
    missing = tmp_path / "never-configured"
    proc = kh.configure(command, "-o", missing)
    assert proc.returncode == 2, kh.describe(proc)
    assert "not a configured build directory" in proc.stderr, kh.describe(proc)
    assert not missing.exists()


@pytest.mark.parametrize("first_line, expect", [
    ("CONFIG_KTEST=y", "first line is not a Kiln header"),
    ("# Kiln: profile=no_such_profile arch=%s" % DEFAULT_ARCH, "unknown profile 'no_such_profile'"),
    ("# Kiln: profile=%s arch=no_such_arch" % DEFAULT_PROFILE, "unknown arch 'no_such_arch'"),
])
@pytest.mark.parametrize("command", ["regenerate", "savedefconfig"])
def test_directory_commands_reject_foreign_config(command, first_line, expect, configured_dir):
    cfg = configured_dir / ".config"
    lines = cfg.read_text().splitlines(True)
    cfg.write_text(first_line + "\n" + "".join(lines[1:]))
    before = kh.snapshot(configured_dir)
    proc = kh.configure(command, "-o", configured_dir)
    assert proc.returncode == 2, kh.describe(proc)
    assert expect in proc.stderr, kh.describe(proc)
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


def test_regenerate_rejects_invalid_value_in_config(configured_dir):
    cfg = configured_dir / ".config"
    text = cfg.read_text()
    assert re.search(r"^CONFIG_NR_CPUS=\d+$", text, re.M)
    cfg.write_text(re.sub(r"^CONFIG_NR_CPUS=\d+$", "CONFIG_NR_CPUS=100000", text, flags=re.M))
    lines = cfg.read_text().splitlines()
    lineno = next(i for i, l in enumerate(lines, 1) if l.startswith("CONFIG_NR_CPUS="))
    before = kh.snapshot(configured_dir)
    proc = kh.configure("regenerate", "-o", configured_dir)
    assert proc.returncode == 2, kh.describe(proc)
    # The location is the .config line, by whatever path the command was given.
    assert ".config:%d" % lineno in proc.stderr and "CONFIG_NR_CPUS" in proc.stderr, \
        kh.describe(proc)
    assert not kh.snapshot_diff(before, kh.snapshot(configured_dir))


# ---------------------------------------------------------------------------
# Errors in the source tree itself, on a copy of it

FRAGMENT_CASES = {
    # name: (lines of profiles/broken.config, line reported, message)
    "malformed_line": (["# broken: a malformed third line", "CONFIG_NR_CPUS=1", "NR_CPUS=1"],
                       3, "malformed line 'NR_CPUS=1'"),
    "garbage_line": (["# broken: garbage", "", "this is not a fragment line"],
                     3, "malformed line"),
    "unknown_symbol": (["# broken: unknown symbol", "CONFIG_NO_SUCH_THING=y"],
                       2, "unknown symbol CONFIG_NO_SUCH_THING"),
    "unknown_symbol_not_set": (["# broken: unknown symbol", "", "",
                                "# CONFIG_NO_SUCH_THING is not set"],
                               4, "unknown symbol CONFIG_NO_SUCH_THING"),
    "rejected_value": (["# broken: out of range", "CONFIG_KTEST=y", "CONFIG_NR_CPUS=100000"],
                       3, "CONFIG_NR_CPUS asked 100000"),
}


@pytest.mark.parametrize("case", sorted(FRAGMENT_CASES))
def test_bad_profile_fragment_names_file_and_line(case, tree, tmp_path):
    copy, protect = tree
    lines, lineno, message = FRAGMENT_CASES[case]
    (copy / "profiles" / "broken.config").write_text("\n".join(lines) + "\n")
    assert_config_error(["--profile", "broken", "--arch", DEFAULT_ARCH],
                        ["profiles/broken.config:%d" % lineno, message], protect, tmp_path,
                        root=copy)


def test_bad_arch_fragment_names_file_and_line(tree, tmp_path):
    copy, protect = tree
    defconfig = copy / "arch" / DEFAULT_ARCH / "defconfig"
    text = defconfig.read_text()
    if not text.endswith("\n"):
        text += "\n"
    defconfig.write_text(text + "CONFIG_NO_SUCH_THING=y\n")
    lineno = len(defconfig.read_text().splitlines())
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["arch/%s/defconfig:%d" % (DEFAULT_ARCH, lineno),
                         "unknown symbol CONFIG_NO_SUCH_THING"], protect, tmp_path, root=copy)


def test_arch_fragment_that_selects_another_arch(tree, tmp_path):
    copy, protect = tree
    fake = copy / "arch" / "zz_fake"
    fake.mkdir()
    for name in ("defconfig", "arch.toml", "hw.toml"):
        shutil.copy(copy / "arch" / DEFAULT_ARCH / name, fake / name)
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", "zz_fake"],
                        ["arch/zz_fake/defconfig did not select arch zz_fake"], protect, tmp_path,
                        root=copy)


def append(path, text):
    old = path.read_text()
    if old and not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text)
    return len(old.splitlines())


def test_kbuild_malformed_line(tree, tmp_path):
    copy, protect = tree
    n = append(copy / "kernel" / "Kbuild", "this is not kbuild\n")
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["kernel/Kbuild:%d: malformed line" % (n + 1)], protect, tmp_path,
                        root=copy)


def test_kbuild_missing_source(tree, tmp_path):
    copy, protect = tree
    append(copy / "kernel" / "Kbuild", "obj-y += no_such_file.c\n")
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["no such source kernel/no_such_file.c"], protect, tmp_path, root=copy)


def test_kbuild_line_numbers_after_continuation(tree, tmp_path):
    copy, protect = tree
    n = append(copy / "kernel" / "Kbuild",
               "obj-$(CONFIG_NO_SUCH_OPTION) += a.c \\\n\tb.c\nthis is not kbuild\n")
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["kernel/Kbuild:%d: malformed line" % (n + 3)], protect, tmp_path,
                        root=copy)


def test_template_error(tree, tmp_path):
    copy, protect = tree
    tpl = copy / "templates" / "build_info.h.j2"
    append(tpl, "{{ no_such_template_variable }}\n")
    line = len(tpl.read_text().splitlines())
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["templates/build_info.h.j2:%d" % line, "UndefinedError",
                         "no_such_template_variable"], protect, tmp_path, root=copy)


def test_template_syntax_error_names_template_and_line(tree, tmp_path):
    copy, protect = tree
    tpl = copy / "templates" / DEFAULT_ARCH / "kernel.ld.j2"
    append(tpl, "{% if %}\n")
    line = len(tpl.read_text().splitlines())
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["templates/%s/kernel.ld.j2:%d" % (DEFAULT_ARCH, line),
                         "TemplateSyntaxError"], protect, tmp_path, root=copy)


def test_kconfig_syntax_error(tree, tmp_path):
    copy, protect = tree
    append(copy / "kernel" / "Kconfig", "config BROKEN_SYMBOL\n\tbool \"unterminated\n")
    proc = assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                               ["KconfigError"], protect, tmp_path, root=copy)
    assert "kernel/Kconfig" in proc.stderr, kh.describe(proc)


def test_component_without_variant_for_arch(tree, tmp_path):
    copy, protect = tree
    comp = copy / "components" / "zz_empty"
    (comp / "only").mkdir(parents=True)
    (comp / "Kconfig").write_text('choice ZZ_EMPTY\n\tprompt "test component"\n\n'
                                  'source "components/zz_empty/*/Kconfig"\n\nendchoice\n')
    (comp / "only" / "Kconfig").write_text('config ZZ_EMPTY_ONLY\n\tbool "never available"\n'
                                           '\tdepends on ARCH_NAME = "no_such_arch"\n')
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["component zz_empty has no variant selected"], protect, tmp_path,
                        root=copy)


# ---------------------------------------------------------------------------
# Output directories configure cannot write

def test_output_that_is_a_file(tmp_path):
    target = tmp_path / "a-file"
    target.write_text("keep me\n")
    proc = kh.configure_build_dir(target, DEFAULT_PROFILE, DEFAULT_ARCH)
    assert target.read_text() == "keep me\n"
    assert "Traceback" not in proc.stderr, kh.describe(proc)
    assert proc.returncode == 2 and "configure.py: error:" in proc.stderr, kh.describe(proc)


def test_unwritable_part_of_directory_changes_nothing(configured_dir):
    other = next((p for p in PROFILES if p != DEFAULT_PROFILE), None)
    if other is None:
        pytest.skip("needs a second profile")
    # include/ replaced by a regular file: include/generated/*.h cannot be written.
    shutil.rmtree(configured_dir / "include")
    (configured_dir / "include").write_text("not a directory\n")
    before = kh.snapshot(configured_dir)
    proc = kh.configure_build_dir(configured_dir, other, DEFAULT_ARCH)
    changes = kh.snapshot_diff(before, kh.snapshot(configured_dir))
    assert not changes, "a failed configure changed %s" % changes
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, kh.describe(proc)
