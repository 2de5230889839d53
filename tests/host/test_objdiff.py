"""configure.py diff A B --objects: the machine code two profiles build, function by function."""

import os
import shutil
import re
import tomllib

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_ARCH, PROFILES

# One row per function that differs: delta, instructions before -> after, key, cause, object.
ROW = re.compile(r"^\s+([+-]\d+)\s+(\S+) -> (\S+)\s+(\S+)\s+(.*?)  \((.*)\)$")
SHF_WRITE, SHF_EXECINSTR, SHT_NOBITS = 0x1, 0x4, 8
# The secure profile is the one built with -fstack-protector-strong; tiny is not.
STACK_CHK_FAIL = "__stack_chk_fail"


def needs_tiny_secure():
    missing = {"tiny", "secure"} - set(PROFILES)
    if missing:
        pytest.skip("profile(s) %s not in the tree" % ", ".join(sorted(missing)))


def objdiff(a, b, arch, *extra, env=None):
    return kh.configure("diff", a.profile, b.profile, "--objects", "--arch", arch,
                        "--builds", a.path, b.path, *extra, env=env)


def rows(stdout):
    """{key: (delta, before, after, cause, object)} of the function table."""
    out = {}
    for line in stdout.splitlines():
        m = ROW.match(line)
        if m:
            out[m.group(4)] = (int(m.group(1)), m.group(2), m.group(3), m.group(5), m.group(6))
    return out


def this_cpu_markers(arch):
    with open(kh.ROOT / "arch" / arch / "arch.toml", "rb") as f:
        return tomllib.load(f)["objdiff"]["this_cpu"]


def objects_calling(builddir, objdump, symbol):
    """Objects of a build with a relocation against symbol (read with objdump -r alone)."""
    out = set()
    for top, _, files in os.walk(builddir / "obj"):
        for f in files:
            if f.endswith(".o"):
                proc = kh.run([objdump, "-r", os.path.join(top, f)], kh.TOOL_TIMEOUT)
                if re.search(r"\s%s(\s|[-+]|$)" % re.escape(symbol), proc.stdout, re.M):
                    out.add(os.path.relpath(os.path.join(top, f), builddir))
    return out


def elf_size_classes(path):
    sizes = dict.fromkeys(("text", "rodata", "data", "bss"), 0)
    for size, flags, kind in kh.elf_sections(path).values():
        if flags & kh.SHF_ALLOC:
            cls = ("text" if flags & SHF_EXECINSTR else "bss" if kind == SHT_NOBITS
                   else "data" if flags & SHF_WRITE else "rodata")
            sizes[cls] += size
    return sizes


@pytest.mark.parametrize("arch", ARCHES)
def test_objects_tiny_secure(arch, builds):
    needs_tiny_secure()
    tiny, secure = builds.built("tiny", arch), builds.built("secure", arch)
    proc = objdiff(tiny, secure, arch, "--function", "sched_tick")
    assert proc.returncode == 1, kh.describe(proc)
    assert proc.stderr == "", kh.describe(proc)
    table = rows(proc.stdout)
    assert table, proc.stdout

    # Stack protector: every object of both builds whose secure build calls __stack_chk_fail
    # has a function reported as having gained the check, and tiny has none (an object only
    # secure builds, e.g. its page-table strategy's tests, has nothing to gain it against).
    gained = {k: r for k, r in table.items() if "gained stack-protector check" in r[3]}
    assert len(gained) >= 20, proc.stdout
    assert "vprintk" in gained, table.get("vprintk")  # printk's 256-byte buffer
    objdump = kh.ARCH_TOOL_PREFIX[arch] + "objdump"
    assert objects_calling(tiny.path, objdump, STACK_CHK_FAIL) == set()
    protected = {o for o in objects_calling(secure.path, objdump, STACK_CHK_FAIL)
                 if (tiny.path / o).is_file()}
    assert protected, "secure calls no %s" % STACK_CHK_FAIL
    flagged = {r[4].split(" -> ")[-1] for r in gained.values()}
    assert protected <= flagged, sorted(protected - flagged)

    # this_cpu(): tiny (-Os) calls the out-of-line copy, secure inlines its own variant's
    # access; the scheduler shows both, and the entry code's lookup changes too.
    markers = this_cpu_markers(arch)
    for fn in ("sched_tick", "sched_pick", "schedule"):
        delta, before, after, cause, obj = table[fn]
        assert obj == "obj/kernel/sched.o", table[fn]
        assert "this_cpu() inlining changed" in cause, table[fn]
        assert "-this_cpu" in cause, table[fn]
        assert any("+" + m in cause for m in markers if m != "this_cpu"), table[fn]
        assert delta == int(after) - int(before)
    assert "trap_common" in table and "-cpu_by_hwid" in table["trap_common"][3], proc.stdout

    # Sorted by impact: absolute delta down, then name.
    order = [(-abs(r[0]), k) for k, r in table.items()]
    listed = [(-abs(int(m.group(1))), m.group(4)) for m in map(ROW.match, proc.stdout.splitlines())
              if m]
    assert listed == sorted(order), "rows not sorted by impact"

    # Section sizes, checked against the ELF section headers read independently.
    st, ss = elf_size_classes(tiny.kernel), elf_size_classes(secure.kernel)
    for cls in st:
        numbers = r"\s+".join(re.escape(n) for n in ("%d" % st[cls], "%d" % ss[cls],
                                                      "%+d" % (ss[cls] - st[cls])))
        assert re.search(r"^  %s\s+%s$" % (cls, numbers), proc.stdout, re.M), \
            (cls, proc.stdout[:800])

    # Full disassembly diffs: the generated switch routine, and the function asked for.
    assert re.search(r"^Disassembly diff of obj/generated/switch\.o:\n--- tiny/obj/generated/"
                     r"switch\.o\n\+\+\+ secure/obj/generated/switch\.o$", proc.stdout, re.M)
    section = proc.stdout.split("Disassembly diff of sched_tick:\n", 1)[1]
    assert section.startswith("--- tiny/obj/kernel/sched.o\n+++ secure/obj/kernel/sched.o\n")
    added = [ln for ln in section.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    removed = [ln for ln in section.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    assert any("<this_cpu>" in ln or " this_cpu" in ln for ln in removed), section
    assert any(m in ln for ln in added for m in markers if m != "this_cpu"), section
    # Normalised: no instruction addresses, no placeholder targets of relocated instructions.
    assert not any(re.match(r"^[-+ ]\s*[0-9a-f]+:", ln) for ln in section.splitlines())


def test_objects_of_a_build_with_itself_are_identical(builds):
    needs_tiny_secure()
    tiny = builds.built("tiny", DEFAULT_ARCH)
    proc = objdiff(tiny, tiny, DEFAULT_ARCH)
    assert proc.returncode == 0, kh.describe(proc)
    assert " 0 changed, 0 added, 0 removed" in proc.stdout, proc.stdout
    assert rows(proc.stdout) == {}


def test_objects_errors(builds, tmp_path):
    needs_tiny_secure()
    proc = kh.configure("diff", "tiny", "no_such_profile", "--objects")
    assert proc.returncode == 2 and "unknown profile 'no_such_profile'" in proc.stderr, \
        kh.describe(proc)
    tiny, secure = builds.built("tiny", DEFAULT_ARCH), builds.built("secure", DEFAULT_ARCH)
    cases = [
        (objdiff(secure, tiny, DEFAULT_ARCH, "--function", "no_such_function"),
         "no_such_function: no such function in either build"),
        (kh.configure("diff", "tiny", "secure", "--objects", "--arch", DEFAULT_ARCH, "--builds",
                      secure.path, tiny.path), "is configured for profile secure"),
        (kh.configure("diff", "tiny", "secure", "--builds", tiny.path, secure.path),
         "--builds and --function need --objects"),
    ]
    # No objdump on PATH (only ninja, which finds both builds up to date): the package named.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    os.symlink(shutil.which("ninja"), bindir / "ninja")
    package = kh.flavour(DEFAULT_ARCH)["packages"]["objdump"]
    cases.append((objdiff(tiny, secure, DEFAULT_ARCH, env=kh.clean_env(PATH=str(bindir))),
                  "objdump: install the Debian package %s" % package))
    for proc, message in cases:
        assert proc.returncode == 2, kh.describe(proc)
        assert message in proc.stderr, kh.describe(proc)
        assert proc.stdout == "" and "Traceback" not in proc.stderr, kh.describe(proc)


def test_objects_build_failure_shows_the_build(tmp_path):
    needs_tiny_secure()
    root = kh.copy_tree(tmp_path / "repo")
    with open(root / "kernel" / "main.c", "a") as f:
        f.write("\n#error objdiff-test-breakage\n")
    proc = kh.configure("diff", "tiny", "secure", "--objects", "--arch", DEFAULT_ARCH, root=root)
    assert proc.returncode == 2, kh.describe(proc)
    assert "objdiff-test-breakage" in proc.stderr, kh.describe(proc)  # the build's own lines
    assert re.search(r"error: building profile tiny \(%s\) in \S+ failed" % DEFAULT_ARCH,
                     proc.stderr.splitlines()[-1]), kh.describe(proc)
    assert proc.stdout == "", kh.describe(proc)
