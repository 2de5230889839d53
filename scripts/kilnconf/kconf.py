"""Kconfig: fragments, value checks, the merge, and the errors of a value that did not stick.

An assignment is (symbol, value, where, source): `where` names the line or option in
messages, `source` groups the assignments of one fragment or one option, inside which a
symbol may be set only once and a choice may get only one member."""

import collections
import contextlib
import io
import os
import re
import tempfile

import kconfiglib

from .errors import ConfigError, check_text, printable, read_text, shown
from .tree import ROOT, arches, components, profile_fragment, profiles, variant_symbol

Assignment = collections.namedtuple("Assignment", "name value where source")

FRAGMENT_LINE = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
NOT_SET_LINE = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")
# ASCII only: Python's int() also takes other scripts' digits, which C does not.
INT_VALUE = re.compile(r"^-?(0|[1-9][0-9]*)$")
HEX_VALUE = re.compile(r"^0[xX][0-9a-fA-F]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
IDENTITY = re.compile(r"^# Kiln: profile=(\S+) arch=(\S+)$")


def load_kconfig():
    os.environ["srctree"] = ROOT
    with contextlib.redirect_stdout(io.StringIO()):
        return kconfiglib.Kconfig(os.path.join(ROOT, "Kconfig"), warn_to_stderr=False)


def unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def parse_fragment(path):
    """[Assignment] of a Kconfig fragment; malformed lines are errors naming file:line."""
    out = []
    name = shown(path)
    for n, raw in enumerate(read_text(path).splitlines(), 1):
        line = raw.strip()
        where = "%s:%d" % (name, n)
        m = NOT_SET_LINE.match(line)
        if m:
            out.append(Assignment(m.group(1), "n", where, path))
            continue
        if not line or line.startswith("#"):
            continue
        m = FRAGMENT_LINE.match(line)
        if not m:
            raise ConfigError("%s: malformed line %r (expected CONFIG_NAME=value or "
                              "'# CONFIG_NAME is not set')" % (where, line))
        out.append(Assignment(m.group(1), unquote(m.group(2)), where, path))
    return out


def parse_set(arg, option="--set"):
    """An Assignment from the value of --set (or --set-a, --set-b)."""
    check_text(arg, "%s %s" % (option, arg))
    m = FRAGMENT_LINE.match(arg.strip())
    if not m or "\n" in arg.strip():
        raise ConfigError("%s %r: expected CONFIG_NAME=value" % (option, arg))
    return Assignment(m.group(1), unquote(m.group(2)), "%s %s" % (option, arg), option)


def check_value(sym, a):
    """Refuse values Kconfig would take but that mean something else in C or in Ninja."""
    what = "%s: CONFIG_%s=%s" % (a.where, a.name, printable(a.value))
    if sym.type == kconfiglib.INT and not INT_VALUE.match(a.value):
        raise ConfigError("%s is not a valid int value (decimal, ASCII digits, no leading "
                          "zeros: C would read 010 as octal 8)" % what)
    if sym.type == kconfiglib.HEX and not HEX_VALUE.match(a.value):
        raise ConfigError("%s is not a valid hex value (0x, then ASCII hex digits)" % what)
    if sym.type == kconfiglib.STRING and CONTROL.search(a.value):
        raise ConfigError("%s holds a control character" % what)


def check_conflicts(kconf, assignments):
    """Inside one fragment or option: one value per symbol, one member per choice."""
    seen, chosen = {}, {}
    for a in assignments:
        prev = seen.get((a.source, a.name))
        if prev is not None and prev.value != a.value:
            raise ConfigError("%s: CONFIG_%s=%s conflicts with %s: CONFIG_%s=%s"
                              % (a.where, a.name, a.value, prev.where, a.name, prev.value))
        seen[(a.source, a.name)] = a
        choice = kconf.syms[a.name].choice
        if choice is not None and a.value == "y":
            prev = chosen.get((a.source, choice))
            if prev is not None and prev.name != a.name:
                raise ConfigError("%s: CONFIG_%s=y and %s: CONFIG_%s=y both select the one "
                                  "choice %s" % (prev.where, prev.name, a.where, a.name,
                                                 choice.name or "choice"))
            chosen[(a.source, choice)] = a


def unmet_dependency(sym):
    """The parts of sym's 'depends on' expression that are not satisfied, as text."""
    dep = sym.direct_dep
    if kconfiglib.expr_value(dep) and sym.choice is not None:
        dep = sym.choice.direct_dep
    if kconfiglib.expr_value(dep):
        return None
    parts = kconfiglib.split_expr(dep, kconfiglib.AND)
    unmet = [kconfiglib.expr_str(p) for p in parts if not kconfiglib.expr_value(p)]
    return " && ".join(unmet) or kconfiglib.expr_str(dep)


def _num(text, typ):
    try:
        return int(text, 16 if typ == kconfiglib.HEX else 10)
    except ValueError:
        return None


def _why_not(sym, value):
    why = unmet_dependency(sym)
    if why:
        return "unmet dependency: depends on %s" % why
    if sym.choice is not None and value == "n":
        return "a choice needs one member set; select another member instead"
    if sym.ranges:
        # Kconfig applies the first range whose condition holds: each is named with its condition.
        return "outside its allowed range %s" % ", else ".join(
            "%s..%s" % (lo.str_value, hi.str_value) +
            ("" if cond is sym.kconfig.y else " if %s" % kconfiglib.expr_str(cond))
            for lo, hi, cond in sym.ranges)
    return "rejected by Kconfig (a select or choice overrides it)"


def apply_assignments(kconf, assignments):
    """Assign in order (later wins); then check every surviving assignment stuck."""
    for a in assignments:
        sym = kconf.syms.get(a.name)
        if sym is None or not sym.nodes:
            raise ConfigError("%s: unknown symbol CONFIG_%s" % (a.where, a.name))
        check_value(sym, a)
    check_conflicts(kconf, assignments)
    final = {}
    for a in assignments:
        sym = kconf.syms[a.name]
        if sym.choice is not None and a.value == "y":
            for other in sym.choice.syms:
                final.pop(other.name, None)
        final[a.name] = a
        if not sym.set_value(a.value):
            raise ConfigError("%s: CONFIG_%s=%s is not a valid %s value"
                              % (a.where, a.name, a.value, kconfiglib.TYPE_TO_STR[sym.type]))
    for a in final.values():
        sym = kconf.syms[a.name]
        got = sym.str_value
        if sym.type in (kconfiglib.INT, kconfiglib.HEX):
            same = _num(got, sym.type) == _num(a.value, sym.type)
        else:
            same = got == a.value
        if not same:
            raise ConfigError("%s: CONFIG_%s asked %s, got %s (%s)"
                              % (a.where, a.name, a.value, got or '""', _why_not(sym, a.value)))


def check_arch_owned(sets, arch):
    """--arch owns the symbols the arch fragments set: a --set of one would be blamed on them."""
    owners = {}
    for other in arches():
        for a in parse_fragment(arch_fragment(other)):
            if a.value == "y":
                owners[a.name] = other
    for a in sets:
        if a.name in owners and (owners[a.name], a.value) != (arch, "y"):
            raise ConfigError("%s: CONFIG_%s is chosen by --arch (this configure is --arch %s; "
                              "use --arch %s)" % (a.where, a.name, arch, owners[a.name]))


def arch_fragment(arch):
    return os.path.join(ROOT, "arch", arch, "defconfig")


def selected_variants(kconf):
    """{component: variant} for every component whose choice has a selection."""
    out = {}
    for comp, variants in components().items():
        for v in variants:
            sym = kconf.syms.get(variant_symbol(comp, v))
            if sym is not None and sym.tri_value == 2:
                out[comp] = v
        if comp not in out:
            raise ConfigError("component %s has no variant selected for this arch" % comp)
    return out


def config_dict(kconf):
    out = {}
    for sym in kconf.unique_defined_syms:
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            out[sym.name] = sym.tri_value == 2
        elif sym.type in (kconfiglib.INT, kconfiglib.HEX):
            out[sym.name] = _num(sym.str_value, sym.type) if sym.str_value else None
        else:
            out[sym.name] = sym.str_value
    return out


def check_profile_arch(profile, arch):
    check_text(profile, "profile %s" % profile)
    check_text(arch, "arch %s" % arch)
    if profile not in profiles():
        raise ConfigError("unknown profile %r; valid profiles: %s"
                          % (profile, ", ".join(profiles())))
    if arch not in arches():
        raise ConfigError("unknown arch %r; valid arches: %s" % (arch, ", ".join(arches())))


def resolve(profile, arch, sets=(), extra=()):
    """Kconfig with base + profile + arch fragments, then `extra` and `sets` applied.

    sets are Assignments from the command line; extra those implied by other options."""
    check_profile_arch(profile, arch)
    check_arch_owned(sets, arch)
    assignments = []
    for frag in (os.path.join(ROOT, "profiles", "base.config"), profile_fragment(profile),
                 arch_fragment(arch)):
        assignments += parse_fragment(frag)
    kconf = load_kconfig()
    apply_assignments(kconf, assignments + list(extra) + list(sets))
    if kconf.syms["ARCH_NAME"].str_value != arch:
        raise ConfigError("arch fragment arch/%s/defconfig did not select arch %s" % (arch, arch))
    return kconf


def read_build_identity(builddir):
    """(profile, arch) from the first line of DIR/.config."""
    path = os.path.join(builddir, ".config")
    if not os.path.isfile(path):
        raise ConfigError("%s is not a configured build directory (no .config); run "
                          "./configure.py --profile P --arch A -o %s first"
                          % (shown(builddir), shown(builddir)))
    m = IDENTITY.match(read_text(path).split("\n", 1)[0])
    if not m:
        raise ConfigError("%s: first line is not a Kiln header" % shown(path))
    return m.group(1), m.group(2)


def load_build_config(builddir):
    """Kconfig loaded from a build directory's own .config."""
    profile, arch = read_build_identity(builddir)
    check_profile_arch(profile, arch)
    kconf = load_kconfig()
    apply_assignments(kconf, parse_fragment(os.path.join(builddir, ".config")))
    return kconf, profile, arch


def config_text(kconf, header):
    """What kconf.write_config would write, as text (with Kconfig's own string escaping)."""
    return _written(kconf.write_config, header=header, save_old=False)


def autoconf_text(kconf, header):
    return _written(kconf.write_autoconf, header=header)


def min_config_text(kconf, header):
    return _written(kconf.write_min_config, header=header)


def _written(method, **kw):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out")
        method(path, **kw)
        with open(path, encoding="utf-8") as f:
            return f.read()
