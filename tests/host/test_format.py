"""Source hygiene: C formatting per .clang-format, and no generated file in git."""

import shutil
from pathlib import Path

import pytest

import kiln_harness as kh
from kiln_harness import ROOT

GENERATED_DIR_NAMES = {"generated"}


def git(*args):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git work tree (or git is missing)")
    proc = kh.run(["git", "-C", ROOT] + list(args), kh.TOOL_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    return [l for l in proc.stdout.split("\0") if l]


def source_files(*patterns):
    """Tracked files plus untracked, not ignored ones, matching the git pathspecs; files in a
    build directory someone configured inside the tree (-o out) are not sources."""
    tracked = git("ls-files", "-z", "--", *patterns)
    untracked = git("ls-files", "-z", "--others", "--exclude-standard", "--", *patterns)
    return sorted(set(p for p in tracked + untracked
                      if (ROOT / p).is_file() and not kh.build_dir_holding(ROOT / p)))


def clang_format():
    for name in ("clang-format", "clang-format-14"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("clang-format is not installed (Debian package clang-format)")


def test_c_sources_are_clang_formatted():
    tool = clang_format()
    files = source_files("*.c", "*.h")
    assert files, "no C sources found"
    bad = []
    for rel in files:
        proc = kh.run([tool, "--dry-run", "--Werror", "--style=file", rel], kh.TOOL_TIMEOUT,
                      cwd=ROOT)
        if proc.returncode != 0:
            first = next((l for l in proc.stderr.splitlines() if "error" in l), proc.stderr[:200])
            bad.append("%s: %s" % (rel, first.strip()))
    assert not bad, "%d file(s) not formatted per .clang-format (fix with clang-format -i):\n%s" \
        % (len(bad), "\n".join(bad))


def test_clang_format_check_can_fail(tmp_path):
    """The formatting check above is not vacuous: a misformatted file is reported."""
    tool = clang_format()
    shutil.copy(ROOT / ".clang-format", tmp_path / ".clang-format")
    sample = tmp_path / "bad.c"
    sample.write_text("int  f( int x ){return x;}\n")
    proc = kh.run([tool, "--dry-run", "--Werror", "--style=file", sample.name], kh.TOOL_TIMEOUT,
                  cwd=tmp_path)
    assert proc.returncode != 0


def test_no_generated_files_tracked():
    tracked = git("ls-files", "-z")
    offenders = []
    for rel in tracked:
        parts = Path(rel).parts
        if parts[0] == "build" or GENERATED_DIR_NAMES & set(parts[:-1]):
            offenders.append(rel)
        elif Path(rel).name in ("build.ninja", ".config", "autoconf.h", "build_info.h",
                                "offsets.h", "kernel.elf", "compile_commands.json",
                                ".ninja_log", ".ninja_deps"):
            offenders.append(rel)
        elif Path(rel).suffix in (".o", ".d", ".elf", ".lds"):
            offenders.append(rel)
    assert not offenders, "generated files are tracked by git: %s" % offenders


def test_no_generated_directories_in_source_tree():
    """include/generated/ and generated/ exist only in build directories."""
    found = sorted({str(Path(rel).parent) for rel in source_files()
                    if GENERATED_DIR_NAMES & set(Path(rel).parts[:-1])})
    assert not found, "generated directories in the source tree: %s" % found


def test_build_directories_inside_the_tree_are_not_sources(tmp_path):
    """A directory configured at -o out (untracked, not ignored) is recognised and skipped."""
    copy = tmp_path / "repo"
    proc = kh.run(["git", "clone", "-q", "--no-hardlinks", ROOT, copy], kh.TOOL_TIMEOUT)
    if proc.returncode != 0:
        pytest.skip("cannot clone the work tree: " + proc.stderr.strip())
    out = copy / "out"
    proc = kh.configure_build_dir(out, kh.DEFAULT_PROFILE, kh.DEFAULT_ARCH, root=copy)
    assert proc.returncode == 0, kh.describe(proc)
    assert kh.build_dir_holding(out / "generated" / "kernel.ld") == out
    assert kh.build_dir_holding(copy / "kernel" / "main.c") is None


def test_build_dir_is_ignored():
    git("status")  # skips outside a work tree
    proc = kh.run(["git", "-C", ROOT, "check-ignore", "-q", "build/tiny-x86_64/build.ninja"],
                  kh.TOOL_TIMEOUT)
    assert proc.returncode == 0, "build/ is not ignored by .gitignore"
