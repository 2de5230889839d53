"""configure.py size: configure and build profiles, then compare what they cost in bytes.

For each profile x arch: section sizes of kernel.elf (text, rodata, data, bss, side by side),
its biggest symbols (nm --size-sort), and the size of each entry path of the generated entry
code (the code symbols of obj/generated/*.o)."""

import glob
import os
import re
import subprocess

from . import elf
from .errors import ConfigError, shown
from .tree import ROOT, arches, profiles

KINDS = ("text", "rodata", "data", "bss")
TOP = 15
# trap_stub_0 .. trap_stub_255: one table of stubs, counted as one entry path.
_NUMBERED = re.compile(r"^(.*\D)\d+$")


def targets(profile_list, arch):
    """[(profile, arch)] from --profiles and --arch (an arch name or "all"), checked."""
    names = profiles() if profile_list is None else [p for p in profile_list.split(",") if p]
    if not names:
        raise ConfigError("--profiles names no profile")
    for p in names:
        if p not in profiles():
            raise ConfigError("unknown profile '%s' (profiles: %s)" % (p, ", ".join(profiles())))
    if arch != "all" and arch not in arches():
        raise ConfigError("unknown arch '%s' (arches: %s, all)" % (arch, ", ".join(arches())))
    return [(p, a) for a in (arches() if arch == "all" else [arch]) for p in names]


def build_dir(base, profile, arch):
    """DIR/<profile>-<arch> with -o DIR, else build/size-<profile>-<arch>."""
    if base:
        return os.path.join(os.path.abspath(base), "%s-%s" % (profile, arch))
    return os.path.join(ROOT, "build", "size-%s-%s" % (profile, arch))


def run_tool(cmd, what):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except OSError as e:
        raise ConfigError("%s: cannot run %s: %s" % (what, cmd[0], e.strerror))
    if proc.returncode != 0:
        last = (proc.stdout.strip().splitlines() or ["no output"])[-1]
        raise ConfigError("%s failed (%s): %s" % (what, " ".join(cmd), last))
    return proc.stdout


def build(builddir):
    run_tool(["ninja", "-C", builddir, "kernel.elf"], "build of " + shown(builddir))


def section_sizes(image):
    """{text|rodata|data|bss|other|total: bytes} of the loaded sections of a linked ELF, by
    name (.text and .text.*, ...)."""
    out = dict.fromkeys(KINDS + ("other",), 0)
    for sec in elf.sections(image):
        if not sec.flags & elf.SHF_ALLOC:  # not loaded: debug information, comments
            continue
        kind = next((k for k in KINDS if sec.name == "." + k or sec.name.startswith("." + k + ".")),
                    "other")
        out[kind] += sec.size
    out["total"] = sum(out.values())
    return out


def biggest_symbols(tools, image, count=TOP):
    """[(size, type, name)] of the count biggest symbols, biggest first."""
    rows = []
    for line in run_tool([tools["nm"], "--size-sort", "-S", image], "nm").splitlines():
        f = line.split()
        if len(f) == 4:
            rows.append((int(f[1], 16), f[2], f[3]))
    return sorted(rows, key=lambda r: (-r[0], r[2]))[:count]


def code_symbols(tools, obj):
    """{label: bytes} of the code labels of an object: the symbol's size when it has one,
    else the distance to the next label of its section (or the section's end)."""
    ends = {sec.name: sec.size for sec in elf.sections(obj)}
    by_section = {}
    for line in run_tool([tools["nm"], "-f", "sysv", "--defined-only", obj], "nm").splitlines():
        f = [x.strip() for x in line.split("|")]
        if len(f) != 7 or not f[6].startswith(".text") or not f[1]:
            continue
        by_section.setdefault(f[6], []).append((int(f[1], 16), int(f[4], 16) if f[4] else None,
                                                f[0]))
    out = {}
    for section, syms in by_section.items():
        syms.sort()
        for n, (addr, size, name) in enumerate(syms):
            end = syms[n + 1][0] if n + 1 < len(syms) else ends.get(section, addr)
            length = size if size is not None else end - addr
            if length:  # a zero-length label is another name of the next one
                label = _NUMBERED.sub(r"\1*", name)
                out[label] = out.get(label, 0) + length
    return out


def entry_sizes(tools, builddir):
    """{label: bytes} over every object of the generated entry code."""
    out = {}
    for obj in sorted(glob.glob(os.path.join(builddir, "obj", "generated", "*.o"))):
        for label, size in code_symbols(tools, obj).items():
            out[label] = out.get(label, 0) + size
    return out


def measure(profile, arch, builddir, tools):
    elf_path = os.path.join(builddir, "kernel.elf")
    return {"name": "%s-%s" % (profile, arch), "sections": section_sizes(elf_path),
            "symbols": biggest_symbols(tools, elf_path), "entry": entry_sizes(tools, builddir)}


def table(title, rows, results, key):
    """A side-by-side table: one row per name, one column per build."""
    width = max([len(r["name"]) for r in results] + [8])
    out = ["%-24s" % title + "".join(" %*s" % (width, r["name"]) for r in results)]
    for row in rows:
        out.append("  %-22s" % row + "".join(" %*s" % (width, r[key].get(row, "-"))
                                              for r in results))
    return out


def report(results):
    out = table("sections (bytes)", KINDS + ("other", "total"), results, "sections")
    out.append("")
    labels = sorted({label for r in results for label in r["entry"]})
    out += table("entry code (bytes)", labels, results, "entry")
    for r in results:
        out += ["", "biggest symbols: %s" % r["name"]]
        out += ["  %8d %s %s" % s for s in r["symbols"]]
    return "\n".join(out) + "\n"


def run(targets_list, base, configure):
    """configure(profile, arch, builddir) writes a build directory and returns its tools
    ({tool: program}); then each is built and measured."""
    results = []
    for profile, arch in targets_list:
        builddir = build_dir(base, profile, arch)
        tools = configure(profile, arch, builddir)
        build(builddir)
        results.append(measure(profile, arch, builddir, tools))
    return report(results)
