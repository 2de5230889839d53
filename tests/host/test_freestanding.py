"""The kernel is freestanding: its compile commands see the compiler's own headers and no C
library's, so a build cannot depend on libc6-dev (or libc6-dev-arm64-cross) being installed."""

import json
import shlex
import shutil

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_PROFILE

# Every rule of build.ninja that runs the preprocessor on kernel sources.
C_RULES = ("cc", "offsets_s")
RULES = C_RULES + ("as", "lds")

# Headers of the C library (limits.h is GCC's, but it forwards to the C library's one).
LIBC_HEADERS = ("stdio.h", "bits/libc-header-start.h", "limits.h")
# The compiler's freestanding headers the kernel uses. stdint.h stays GCC's own only under
# -ffreestanding (the C rules); elsewhere it forwards to the C library's.
COMPILER_HEADERS = {"c": ("stddef.h", "stdint.h", "stdarg.h", "stdbool.h"), "asm": ("stddef.h",)}


def preprocess_command(builddir, rule):
    """The compiler and flags of the first command of `rule`, as `ninja -t compdb` expands it,
    without the input, the output, the dependency file and the compile-or-stop mode."""
    proc = kh.run(["ninja", "-C", builddir, "-t", "compdb", rule], kh.TOOL_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    entries = json.loads(proc.stdout)
    assert entries, "build.ninja has no %s command" % rule
    argv, cmd, skip = shlex.split(entries[0]["command"]), [], False
    for a in argv:
        if skip:
            skip = False
        elif a in ("-MF", "-o"):
            skip = True
        elif a not in ("-MD", "-c", "-S", "-E", entries[0]["file"]):
            cmd.append(a)
    return cmd


def preprocess(builddir, cmd, header, tmp_path):
    src = tmp_path / "probe.c"
    src.write_text("#include <%s>\n" % header)
    return kh.run(cmd + ["-E", src, "-o", tmp_path / "probe.i"], kh.TOOL_TIMEOUT, cwd=builddir)


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("arch", ARCHES)
def test_kernel_flags_refuse_libc_headers(arch, rule, builds, tmp_path):
    b = builds.configured(DEFAULT_PROFILE, arch)
    cmd = preprocess_command(b.path, rule)
    for header in COMPILER_HEADERS["c" if rule in C_RULES else "asm"]:
        proc = preprocess(b.path, cmd, header, tmp_path)
        assert proc.returncode == 0, "<%s> must be found:\n%s" % (header, kh.describe(proc))
    for header in LIBC_HEADERS:
        proc = preprocess(b.path, cmd, header, tmp_path)
        assert proc.returncode != 0, "the %s rule found the C library's <%s>:\n%s" % (
            rule, header, kh.describe(proc))
        assert "No such file" in proc.stderr or "no include path" in proc.stderr, \
            kh.describe(proc)


@pytest.mark.parametrize("arch", ARCHES)
def test_compiler_header_directory_with_space_and_dollar(arch, tmp_path):
    """build.ninja quotes the compiler's header directory for the shell and for ninja: a kernel
    object builds, and its dependency file (which names that directory) leaves nothing to do."""
    gcc = kh.arch_gcc(arch)
    if gcc is None or shutil.which(gcc) is None:
        pytest.skip("no compiler for arch %s" % arch)
    real = kh.run([gcc, "-print-file-name=include"], kh.TOOL_TIMEOUT).stdout.strip()
    odd = tmp_path / "cc headers $HOME" / "include"
    shutil.copytree(real, odd)  # a copy: gcc would report a symlinked one by its real path
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in (t for t in kh.ARCH_TOOLS[arch] if t != "gcc"):
        (bindir / tool).symlink_to(shutil.which(kh.ARCH_TOOL_PREFIX[arch] + tool))
    (bindir / "gcc").write_text(
        '#!/bin/sh\n[ "$*" = -print-file-name=include ] && exec echo %s\nexec %s "$@"\n'
        % (shlex.quote(str(odd)), shutil.which(gcc)))
    (bindir / "gcc").chmod(0o755)
    out = tmp_path / "build"
    env = kh.clean_env(CROSS_COMPILE=str(bindir) + "/")
    proc = kh.configure_build_dir(out, DEFAULT_PROFILE, arch, env=env)
    assert proc.returncode == 0, kh.describe(proc)
    obj = "obj/kernel/lib/vsnprintf.o"
    proc = kh.ninja(out, obj, env=env)
    assert proc.returncode == 0, kh.describe(proc)
    deps = kh.run(["ninja", "-C", out, "-t", "deps", obj], kh.TOOL_TIMEOUT, env=env).stdout
    assert str(odd / "stddef.h") in deps, deps
    proc = kh.ninja(out, obj, "-d", "explain", env=env)
    assert proc.returncode == 0 and "no work to do" in proc.stdout, kh.describe(proc)
