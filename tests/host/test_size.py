"""configure.py size: section sizes, biggest symbols and entry-code size per entry path."""

import re

import pytest

import kiln_harness as kh
from kiln_harness import DEFAULT_ARCH, DEFAULT_PROFILE


def table(text, title):
    """{row: [cells]} of the side-by-side table under the line starting with title."""
    lines = text.split(title, 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return {l.split()[0]: l.split()[1:] for l in lines}


def loaded_bytes(elf, prefix):
    """Bytes of the loaded (SHF_ALLOC) sections .<prefix> and .<prefix>.*, read from the ELF."""
    return sum(size for name, (size, flags, _) in kh.elf_sections(elf).items()
               if flags & kh.SHF_ALLOC and (name == prefix or name.startswith(prefix + ".")))


def test_size_of_one_profile(tmp_path):
    proc = kh.configure("size", "--profiles", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                        "-o", tmp_path, timeout=kh.BUILD_TIMEOUT)
    assert proc.returncode == 0, kh.describe(proc)
    build = tmp_path / ("%s-%s" % (DEFAULT_PROFILE, DEFAULT_ARCH))
    elf = build / "kernel.elf"
    assert elf.is_file(), kh.describe(proc)
    name = "%s-%s" % (DEFAULT_PROFILE, DEFAULT_ARCH)
    assert re.search(r"^sections \(bytes\)\s+%s$" % re.escape(name), proc.stdout, re.M)

    sections = table(proc.stdout, "sections (bytes)")
    for kind in ("text", "rodata", "data", "bss"):
        assert sections[kind] == [str(loaded_bytes(elf, "." + kind))], (kind, proc.stdout)

    # Entry paths: every byte of the generated objects' code belongs to one label.
    entry = {label: int(cells[0]) for label, cells in table(proc.stdout,
                                                            "entry code (bytes)").items()}
    assert entry.get("trap_common", 0) > 0 and entry.get("ctx_switch", 0) > 0, proc.stdout
    code = sum(loaded_bytes(obj, ".text") for obj in (build / "obj/generated").glob("*.o"))
    assert sum(entry.values()) == code, proc.stdout

    biggest = proc.stdout.split("biggest symbols: %s\n" % name, 1)[1].splitlines()[:15]
    sizes = [int(l.split()[0]) for l in biggest]
    assert len(sizes) == 15 and sizes == sorted(sizes, reverse=True) and sizes[-1] > 0, biggest

    # A second run reuses the build: nothing is rebuilt.
    mtime = elf.stat().st_mtime_ns
    again = kh.configure("size", "--profiles", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH,
                         "-o", tmp_path, timeout=kh.BUILD_TIMEOUT)
    assert again.returncode == 0 and again.stdout == proc.stdout, kh.describe(again)
    assert elf.stat().st_mtime_ns == mtime


@pytest.mark.parametrize("args, message, lines", [
    (["--profiles", "tiny,no_such_profile"], "unknown profile 'no_such_profile'", 1),
    (["--profiles", ","], "--profiles names no profile", 1),
    (["--arch", "no_such_arch"], "unknown arch 'no_such_arch'", 1),
    (["--no-such-option"], "unrecognized arguments", 2),  # usage, then the error
])
def test_size_errors(args, message, lines, tmp_path):
    proc = kh.configure("size", *args, "-o", tmp_path)
    assert proc.returncode == 2, kh.describe(proc)
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == lines, \
        kh.describe(proc)
    assert proc.stdout == "" and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == [], "bad input must not configure anything"
