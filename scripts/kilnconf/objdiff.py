"""configure.py diff A B --objects: the machine code two profiles build, function by function.

Both profiles are built (in temporary directories, or in the --builds directories), every
object is disassembled with the arch's objdump (-d -r), and each function's instructions are
normalised so that only what the machine runs is compared, not where it landed:

  - instruction addresses are dropped; a branch target inside the object is shown as
    <symbol+offset>;
  - an instruction with a relocation shows the relocation (type, symbol, addend) instead of
    the placeholder operand the assembler left (0x0, or a target that is the instruction
    itself);
  - the addend of a section-relative relocation (.text+0x70, .rodata.str1.1+0x23) is
    replaced by the symbol that covers it, or masked when no symbol does (string literals):
    it moves whenever anything before it in the section grows;
  - a function ends at its symbol size, so the alignment padding after it is not counted.
"""

import difflib
import os
import re
import subprocess
import sys
import tempfile

from . import elf
from . import kconf as K
from .errors import ConfigError, shown
from .toolchain import arch_facts, require_host_tools, require_tool

# The compiler's stack-protector ABI (-fstack-protector-* -mstack-protector-guard=global).
STACK_PROTECTOR = ("__stack_chk_guard", "__stack_chk_fail")
GENERATED = "obj/generated/"
BUILD_TAIL = 25  # lines of a failed build's output shown with the error

INSN = re.compile(r"^\s*([0-9a-f]+):\t(.*)$")
RELOC = re.compile(r"^\s*([0-9a-f]+): (R_\S+)\s+(\S+)\s*$")
HEADER = re.compile(r"^([0-9a-f]+) <(.+)>:$")
SECTION = re.compile(r"^Disassembly of section (\S+):$")
# objdump -t: value, flags (7 columns), section, size, name.
SYMBOL = re.compile(r"^([0-9a-f]+) (.{7}) (\S+)\t([0-9a-f]+) (.*)$")
TARGET = re.compile(r"\b(?:0x)?[0-9a-f]+ <([^>]*)>")
ADDEND = re.compile(r"^(.*?)([+-]0x[0-9a-f]+)?$")


class Function:
    """One symbol's normalised instructions in one object."""

    def __init__(self, name, obj):
        self.name, self.obj, self.lines = name, obj, []

    @property
    def count(self):
        return len(self.lines)


# ---------------------------------------------------------------------------
# Disassembly

def objdump_text(objdump, path):
    try:
        proc = subprocess.run([objdump, "-d", "-r", "-t", "--no-show-raw-insn", path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, LC_ALL="C"))
    except OSError as e:
        raise ConfigError("cannot run %s: %s" % (objdump, e))
    if proc.returncode != 0:
        raise ConfigError("%s %s failed: %s" % (objdump, shown(path),
                                                " ".join(proc.stderr.split()) or "no message"))
    return proc.stdout


def symbol_table(text):
    """({(section, name): size}, {section: [(value, size, name)] of sized symbols})."""
    sizes, covering = {}, {}
    for line in text.split("\nDisassembly of section", 1)[0].splitlines():
        m = SYMBOL.match(line)
        if not m or m.group(3).startswith("*"):
            continue
        value, section, size, name = (int(m.group(1), 16), m.group(3), int(m.group(4), 16),
                                      m.group(5))
        sizes[(section, name)] = size
        if size and "d" not in m.group(2):
            covering.setdefault(section, []).append((value, size, name))
    return sizes, covering


def reloc_target(target, covering):
    """A relocation's target without layout: a section-relative addend becomes the symbol
    covering it (sym+off), or is masked."""
    m = ADDEND.match(target)
    base, addend = m.group(1), m.group(2)
    if not base.startswith("."):
        return target
    where = int(addend or "0x0", 16)
    for value, size, name in covering.get(base, ()):
        if value <= where < value + size:
            return "%s+0x%x" % (name, where - value)
    return base + "+?"


def normalise(insn, relocs, covering):
    text = " ".join(TARGET.sub(r"<\1>", insn).split())
    if relocs:
        # The operand is a placeholder the relocation fills in: show the relocation instead.
        text = re.sub(r"\s*#?\s*<[^>]*>", "", text).rstrip(" #")
        text += " [%s]" % ", ".join("%s %s" % (kind, reloc_target(t, covering))
                                     for kind, t in relocs)
    return text


def parse_object(text, obj):
    """[Function] of one object's `objdump -d -r -t` output, in the order objdump shows them."""
    sizes, covering = symbol_table(text)
    functions, current, section, start, insns = [], None, None, 0, []

    def flush():
        if current is None:
            return
        size = sizes.get((section, current.name), 0)
        for offset, insn, relocs in insns:
            if size and offset >= start + size:
                break  # alignment padding after the function
            current.lines.append(normalise(insn, relocs, covering))
        functions.append(current)

    for line in text.splitlines():
        m = SECTION.match(line)
        if m:
            flush()
            current, section, insns = None, m.group(1), []
            continue
        m = HEADER.match(line)
        if m:
            flush()
            current, start, insns = Function(m.group(2), obj), int(m.group(1), 16), []
            continue
        if current is None:
            continue
        m = RELOC.match(line)
        if m and insns:
            insns[-1][2].append((m.group(2), m.group(3)))
            continue
        m = INSN.match(line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2), []))
    flush()
    return functions


def object_files(builddir):
    """Relative paths of every object of a build, sorted."""
    out = []
    for top, _, files in os.walk(os.path.join(builddir, "obj")):
        out += [os.path.relpath(os.path.join(top, f), builddir) for f in files
                if f.endswith(".o")]
    return sorted(out)


def disassemble(objdump, builddir):
    """{object: [Function]} of a build."""
    return {obj: parse_object(objdump_text(objdump, os.path.join(builddir, obj)), obj)
            for obj in object_files(builddir)}


def duplicated_names(*builds):
    """Function names that more than one object of a build defines (static functions)."""
    dup = set()
    for objects in builds:
        seen = set()
        for f in (f for funcs in objects.values() for f in funcs):
            (dup if f.name in seen else seen).add(f.name)
    return dup


def keyed(objects, duplicated):
    """{key: Function}: a function's key is its name, or object:name when the name is
    duplicated, so a function that moved to another object (a variant's) still matches."""
    return {(f.name if f.name not in duplicated else "%s:%s" % (f.obj, f.name)): f
            for funcs in objects.values() for f in funcs}


# ---------------------------------------------------------------------------
# ELF sizes, read from the section headers directly



# ---------------------------------------------------------------------------
# Classification

def mentions(lines, word):
    """Whether word occurs in lines as a whole token (this_cpu, not this_cpu_init)."""
    pattern = re.compile((r"(?<![\w.])" if re.match(r"[\w.]", word) else "") + re.escape(word)
                         + (r"(?!\w)" if re.search(r"\w$", word) else ""))
    return any(pattern.search(ln) for ln in lines)


def classify(a, b, percpu_markers, codegen):
    """Why a function's code changed, as far as the code tells."""
    reasons = []
    sp_a = any(mentions(a, w) for w in STACK_PROTECTOR)
    sp_b = any(mentions(b, w) for w in STACK_PROTECTOR)
    if sp_a != sp_b:
        reasons.append("gained stack-protector check" if sp_b else "lost stack-protector check")
    gained = [m for m in percpu_markers if mentions(b, m) and not mentions(a, m)]
    lost = [m for m in percpu_markers if mentions(a, m) and not mentions(b, m)]
    if gained or lost:
        reasons.append("this_cpu() inlining changed (%s)" % ", ".join(
            ["+" + m for m in gained] + ["-" + m for m in lost]))
    return "; ".join(reasons) or codegen


def optimisation(builddir):
    """The -O flag of a build's C objects, from its build.ninja cflags."""
    with open(os.path.join(builddir, "build.ninja"), encoding="utf-8") as f:
        m = re.search(r"^cflags = (?:.*\$\n)*.*$", f.read(), re.M)
    flags = re.findall(r"(?<!\S)-O\S*", m.group(0)) if m else []
    return flags[-1] if flags else "?"


# ---------------------------------------------------------------------------
# Building

def run_ninja(builddir, what):
    require_host_tools()
    proc = subprocess.run(["ninja", "-C", builddir], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        sys.stderr.write("".join(ln + "\n" for ln in proc.stdout.splitlines()[-BUILD_TAIL:]))
        raise ConfigError("building %s in %s failed (ninja exit status %d; its last lines "
                          "are above)" % (what, shown(builddir), proc.returncode))


def prepare(builddir, profile, arch, sets, configure):
    """Configure builddir for profile (unless it already is) and build it."""
    if os.path.isfile(os.path.join(builddir, ".config")):
        have = K.read_build_identity(builddir)
        if have != (profile, arch):
            raise ConfigError("%s is configured for profile %s, arch %s, not %s, %s"
                              % ((shown(builddir),) + have + (profile, arch)))
        if sets:
            raise ConfigError("--set/--set-a/--set-b apply only to directories diff configures; "
                              "%s is already configured" % shown(builddir))
    else:
        configure(profile, arch, sets, builddir)
    run_ninja(builddir, "profile %s (%s)" % (profile, arch))


def objdump_for(builddir, arch):
    kconf = K.load_build_config(builddir)[0]
    return require_tool(arch, kconf.syms["CROSS_COMPILE"].str_value, "objdump")


def percpu_markers(arch):
    return arch_facts(arch).get("objdiff", {}).get("this_cpu", [])


# ---------------------------------------------------------------------------
# Report

def udiff(a, b, name_a, name_b):
    return ["%s\n" % ln.rstrip("\n") for ln in difflib.unified_diff(a, b, name_a, name_b,
                                                                    lineterm="")]


def function_rows(fa, fb, markers, codegen):
    """[(|delta|, key, row text, cause)] of the functions that differ, by impact."""
    rows = []
    for key in sorted(set(fa) | set(fb)):
        a, b = fa.get(key), fb.get(key)
        if a and b and a.lines == b.lines:
            continue
        na, nb = (a.count if a else 0), (b.count if b else 0)
        if a and b:
            what = classify(a.lines, b.lines, markers, codegen)
            where = a.obj if a.obj == b.obj else "%s -> %s" % (a.obj, b.obj)
        else:
            what = "added" if b else "removed"
            where = (b or a).obj
        rows.append((abs(nb - na), key, "  %+5d  %5s -> %-5s %-40s %s  (%s)"
                     % (nb - na, na if a else "-", nb if b else "-", key, what, where), what))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return rows


def summary(sa, sb, fa, fb, rows, opts):
    (pa, oa), (pb, ob) = (sa["name"], sa["objects"]), (sb["name"], sb["objects"])
    common = set(oa) & set(ob)
    differ = [o for o in common if [(f.name, f.lines) for f in oa[o]]
              != [(f.name, f.lines) for f in ob[o]]]
    changed = sum(1 for r in rows if r[1] in fa and r[1] in fb)
    return ["Machine code: %s vs %s (%s), %s vs %s\n" % (pa, pb, sa["arch"], opts[0], opts[1]),
            "  objects:   %d common, %d of them differ; %d only in %s, %d only in %s\n"
            % (len(common), len(differ), len(set(oa) - common), pa, len(set(ob) - common), pb),
            "  functions: %d changed, %d added, %d removed, %d identical\n"
            % (changed, sum(1 for r in rows if r[1] not in fa),
               sum(1 for r in rows if r[1] not in fb), len(set(fa) & set(fb)) - changed)]


def size_table(pa, pb, sizes_a, sizes_b):
    out = ["\n%-34s %10s %10s %8s\n" % ("kernel.elf sections (bytes):", pa, pb, "delta")]
    out += ["  %-32s %10d %10d %+8d\n" % (cls, sizes_a[cls], sizes_b[cls],
                                          sizes_b[cls] - sizes_a[cls]) for cls in elf.SIZE_CLASSES]
    return out


def causes(rows, fa, fb):
    """The changed functions grouped by cause, the largest group first."""
    by_cause = {}
    for _, key, _, what in rows:
        if key in fa and key in fb:
            for reason in what.split("; "):
                by_cause.setdefault(reason.split(" (")[0], []).append(key)
    if not by_cause:
        return []
    return ["\nChanged functions by cause:\n"] + [
        "  %s (%d): %s\n" % (c, len(by_cause[c]), " ".join(by_cause[c]))
        for c in sorted(by_cause, key=lambda c: (-len(by_cause[c]), c))]


def generated_diffs(sa, sb):
    """The whole disassembly diff of each generated (entry, switch) object."""
    out = []
    (pa, oa), (pb, ob) = (sa["name"], sa["objects"]), (sb["name"], sb["objects"])
    for obj in sorted(o for o in set(oa) | set(ob) if o.startswith(GENERATED)):
        a = [ln for f in oa.get(obj, []) for ln in ["<%s>:" % f.name] + f.lines]
        b = [ln for f in ob.get(obj, []) for ln in ["<%s>:" % f.name] + f.lines]
        if a != b:
            out.append("\nDisassembly diff of %s:\n" % obj)
            out += udiff(a, b, "%s/%s" % (pa, obj), "%s/%s" % (pb, obj))
    return out


def function_diffs(pa, pb, fa, fb, names):
    out = []
    for name in names:
        a, b = find_function(fa, name), find_function(fb, name)
        if a is None and b is None:
            raise ConfigError("--function %s: no such function in either build" % name)
        out.append("\nDisassembly diff of %s:\n" % name)
        out += udiff(a.lines if a else [], b.lines if b else [],
                     "%s/%s" % (pa, a.obj if a else "(none)"),
                     "%s/%s" % (pb, b.obj if b else "(none)")) or ["  (identical)\n"]
    return out


def report(sa, sb, functions):
    """(text, differ) comparing two built sides {name, arch, dir, objects}."""
    pa, pb = sa["name"], sb["name"]
    dup = duplicated_names(sa["objects"], sb["objects"])
    fa, fb = keyed(sa["objects"], dup), keyed(sb["objects"], dup)
    opts = optimisation(sa["dir"]), optimisation(sb["dir"])
    codegen = ("code generation (%s vs %s or other)" % opts if opts[0] != opts[1]
               else "code generation (other)")
    rows = function_rows(fa, fb, percpu_markers(sa["arch"]), codegen)
    sizes = [elf.size_classes(os.path.join(s["dir"], "kernel.elf")) for s in (sa, sb)]
    out = summary(sa, sb, fa, fb, rows, opts) + size_table(pa, pb, *sizes) + causes(rows, fa, fb)
    if rows:
        out.append("\nFunctions that differ, by impact (instructions %s -> %s):\n" % (pa, pb))
        out += [r[2] + "\n" for r in rows]
    out += generated_diffs(sa, sb) + function_diffs(pa, pb, fa, fb, functions)
    return "".join(out), bool(rows) or sizes[0] != sizes[1]


def find_function(funcs, name):
    """The function a --function NAME means: its key, or its plain name when unique."""
    if name in funcs:
        return funcs[name]
    hits = [f for f in funcs.values() if f.name == name]
    if len(hits) > 1:
        raise ConfigError("--function %s: several static functions have that name (%s); "
                          "name one as OBJECT:NAME" % (name, ", ".join(f.obj for f in hits)))
    return hits[0] if hits else None


def compare(args, sides, configure):
    """diff --objects. sides: [(profile, sets)]; configure(profile, arch, sets, dir) writes a
    configured build directory. Returns the exit status."""
    for profile, _ in sides:
        K.check_profile_arch(profile, args.arch)
    with tempfile.TemporaryDirectory(prefix="kiln-objdiff-") as tmp:
        dirs = args.builds or [os.path.join(tmp, "%d-%s" % (i, p))
                               for i, (p, _) in enumerate(sides)]
        built = []
        for (profile, sets), d in zip(sides, dirs):
            d = os.path.abspath(d)
            prepare(d, profile, args.arch, sets, configure)
            objdump = objdump_for(d, args.arch)
            built.append({"name": profile, "arch": args.arch, "dir": d,
                          "objects": disassemble(objdump, d)})
        if built[0]["name"] == built[1]["name"]:
            built[0]["name"], built[1]["name"] = "a:" + built[0]["name"], "b:" + built[1]["name"]
        text, differ = report(built[0], built[1], args.function or [])
    sys.stdout.write(text)
    return 1 if differ else 0
