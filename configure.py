#!/usr/bin/env python3
"""Kiln configurator: resolve a profile with Kconfig and generate a build directory.

  ./configure.py [--profile P] [--arch A] [-o DIR] [--set CONFIG_X=V ...] [--kvm]
  ./configure.py list
  ./configure.py diff PROFILE_A PROFILE_B [--arch A] [--stat]
  ./configure.py menuconfig -o DIR
  ./configure.py savedefconfig -o DIR
  ./configure.py regenerate -o DIR      (what build.ninja runs when an input changed)

Every error exits with status 2 before anything in the build directory is touched.
"""

import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PYTHON = "/usr/bin/python3"
PY_MODULES = (("kconfiglib", "python3-kconfiglib"), ("jinja2", "python3-jinja2"))


class ConfigError(Exception):
    """A user-facing error: printed without a traceback, exit status 2."""


def fail(msg):
    print("configure.py: error: " + msg, file=sys.stderr)
    sys.exit(2)


def import_modules():
    """Import kconfiglib and Jinja2, re-running under Debian's python3 if this one lacks them."""
    missing = []
    for mod, pkg in PY_MODULES:
        try:
            __import__(mod)
        except ImportError:
            missing.append((mod, pkg))
    if not missing:
        return
    here = os.path.realpath(sys.executable)
    if (here != os.path.realpath(DEBIAN_PYTHON) and os.access(DEBIAN_PYTHON, os.X_OK)
            and not os.environ.get("KILN_REEXEC")):
        os.environ["KILN_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    fail("missing Python module(s) %s for %s: install the Debian package(s) %s "
         "(apt-get install %s)" % (", ".join(m for m, _ in missing), sys.executable,
                                   ", ".join(p for _, p in missing),
                                   " ".join(p for _, p in missing)))


import_modules()

import argparse  # noqa: E402
import difflib  # noqa: E402
import io  # noqa: E402
import re  # noqa: E402
import shlex  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import contextlib  # noqa: E402

import jinja2  # noqa: E402
import kconfiglib  # noqa: E402

# Toolchain per arch: tool -> Debian package that provides it.
ARCH_TOOLS = {
    "x86_64": {"prefix": "", "cross_prefix": "x86_64-linux-gnu-",
               "packages": {"gcc": "gcc", "ld": "binutils", "objcopy": "binutils",
                            "size": "binutils"},
               "qemu": ("qemu-system-x86_64", "qemu-system-x86")},
    "arm64": {"prefix": "aarch64-linux-gnu-", "cross_prefix": "aarch64-linux-gnu-",
              "packages": {"gcc": "gcc-aarch64-linux-gnu", "ld": "binutils-aarch64-linux-gnu",
                           "objcopy": "binutils-aarch64-linux-gnu",
                           "size": "binutils-aarch64-linux-gnu"},
              "qemu": ("qemu-system-aarch64", "qemu-system-arm")},
}
HOST_TOOLS = {"ninja": "ninja-build"}

FRAGMENT_LINE = re.compile(r"^CONFIG_([A-Za-z0-9_]+)=(.*)$")
NOT_SET_LINE = re.compile(r"^# CONFIG_([A-Za-z0-9_]+) is not set$")
KBUILD_LINE = re.compile(r"^(obj|subdir|offsets)-(y|\$\(CONFIG_([A-Za-z0-9_]+)\))\s*\+=\s*(.*)$")
KBUILD_FLAGS = re.compile(r"^CFLAGS_(\S+)\s*\+=\s*(.*)$")


# ---------------------------------------------------------------------------
# Tree discovery

def arches():
    return sorted(d for d in os.listdir(os.path.join(ROOT, "arch"))
                  if os.path.isfile(os.path.join(ROOT, "arch", d, "defconfig")))


def profiles():
    names = [f[:-len(".config")] for f in os.listdir(os.path.join(ROOT, "profiles"))
             if f.endswith(".config") and f != "base.config"]
    return sorted(names)


def profile_description(name):
    with open(os.path.join(ROOT, "profiles", name + ".config")) as f:
        first = f.readline().strip()
    return first.lstrip("# ").split(":", 1)[-1].strip() if first.startswith("#") else ""


def components():
    """{component: [variant, ...]} from the components/ folder layout."""
    base = os.path.join(ROOT, "components")
    return {c: sorted(v for v in os.listdir(os.path.join(base, c))
                      if os.path.isfile(os.path.join(base, c, v, "Kconfig")))
            for c in sorted(os.listdir(base)) if os.path.isdir(os.path.join(base, c))}


def variant_symbol(component, variant):
    return (component + "_" + variant).upper().replace("-", "_")


# ---------------------------------------------------------------------------
# Kconfig

def load_kconfig():
    os.environ["srctree"] = ROOT
    with contextlib.redirect_stdout(io.StringIO()):
        kconf = kconfiglib.Kconfig(os.path.join(ROOT, "Kconfig"), warn_to_stderr=False)
    return kconf


def parse_fragment(path):
    """[(symbol, value, 'file:line')] of a Kconfig fragment; malformed lines are errors."""
    out = []
    rel = os.path.relpath(path, ROOT) if path.startswith(ROOT) else path
    with open(path) as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            m = NOT_SET_LINE.match(line)
            if m:
                out.append((m.group(1), "n", "%s:%d" % (rel, n)))
                continue
            if not line or line.startswith("#"):
                continue
            m = FRAGMENT_LINE.match(line)
            if not m:
                raise ConfigError("%s:%d: malformed line %r (expected CONFIG_NAME=value or "
                                  "'# CONFIG_NAME is not set')" % (rel, n, line))
            out.append((m.group(1), unquote(m.group(2)), "%s:%d" % (rel, n)))
    return out


def parse_set(arg):
    m = FRAGMENT_LINE.match(arg.strip())
    if not m:
        raise ConfigError("--set %r: expected CONFIG_NAME=value" % arg)
    return (m.group(1), unquote(m.group(2)), "--set " + arg)


def unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def unmet_dependency(kconf, sym):
    """The parts of sym's 'depends on' expression that are not satisfied, as text."""
    dep = sym.direct_dep
    if kconfiglib.expr_value(dep) and sym.choice is not None:
        dep = sym.choice.direct_dep
    if kconfiglib.expr_value(dep):
        return None
    parts = kconfiglib.split_expr(dep, kconfiglib.AND)
    unmet = [kconfiglib.expr_str(p) for p in parts if not kconfiglib.expr_value(p)]
    return " && ".join(unmet) or kconfiglib.expr_str(dep)


def apply_assignments(kconf, assignments):
    """Assign in order (later wins); then check every surviving assignment stuck."""
    final = {}
    for name, value, where in assignments:
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            raise ConfigError("%s: unknown symbol CONFIG_%s" % (where, name))
        if sym.choice is not None and value == "y":
            for other in sym.choice.syms:
                final.pop(other.name, None)
        final[name] = (value, where)
        if not sym.set_value(value):
            raise ConfigError("%s: CONFIG_%s=%s is not a valid %s value"
                              % (where, name, value, kconfiglib.TYPE_TO_STR[sym.type]))
    for name, (value, where) in final.items():
        sym = kconf.syms[name]
        got = sym.str_value
        if sym.type in (kconfiglib.INT, kconfiglib.HEX):
            same = _num(got, sym.type) == _num(value, sym.type)
        else:
            same = got == value
        if same:
            continue
        why = unmet_dependency(kconf, sym)
        if why:
            reason = "unmet dependency: depends on %s" % why
        elif sym.choice is not None and value == "n":
            reason = "a choice needs one member set; select another member instead"
        elif sym.ranges:
            reason = "outside its allowed range %s" % ", ".join(
                "%s..%s" % (lo.str_value, hi.str_value) for lo, hi, _ in sym.ranges)
        else:
            reason = "rejected by Kconfig (a select or choice overrides it)"
        raise ConfigError("%s: CONFIG_%s asked %s, got %s (%s)"
                          % (where, name, value, got or '""', reason))


def _num(text, typ):
    try:
        return int(text, 16 if typ == kconfiglib.HEX else 10)
    except ValueError:
        return None


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


# ---------------------------------------------------------------------------
# Kbuild fragments: which sources the selected configuration builds

def kbuild_dirs(cfg, arch, variants):
    dirs = ["kernel", "arch/" + arch, "platforms/" + cfg["PLATFORM_NAME"]]
    for comp, var in variants.items():
        dirs.append("components/%s/%s" % (comp, var))
    if cfg.get("KTEST"):
        dirs.append("tests/kernel")
    return dirs


def logical_lines(path):
    """(first physical line number, text) of each line, backslash continuations joined."""
    with open(path) as f:
        physical = f.read().splitlines()
    out, start, parts = [], None, []
    for n, line in enumerate(physical, 1):
        start = start or n
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        out.append((start, " ".join(parts + [line])))
        start, parts = None, []
    if parts:
        out.append((start, " ".join(parts)))
    return out


def read_kbuild(rel_dir, cfg, arch, out):
    path = os.path.join(ROOT, rel_dir, "Kbuild")
    if not os.path.isfile(path):
        return
    out["kbuild"].append(os.path.relpath(path, ROOT))
    for n, raw in logical_lines(path):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = KBUILD_FLAGS.match(line)
        if m:
            out["cflags"].setdefault(os.path.join(rel_dir, m.group(1)), []).extend(
                shlex.split(m.group(2)))
            continue
        m = KBUILD_LINE.match(line)
        if not m:
            raise ConfigError("%s/Kbuild:%d: malformed line %r" % (rel_dir, n, raw))
        kind, cond, items = m.group(1), m.group(3), m.group(4).split()
        if cond is not None and not cfg.get(cond):
            continue
        for item in items:
            item = item.replace("$(ARCH)", arch)
            # "file.c:tag" builds file.c once more, as object file.tag.o (CFLAGS_file.c:tag).
            name, _, tag = item.partition(":")
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if kind == "subdir":
                read_kbuild(rel, cfg, arch, out)
                continue
            if not os.path.isfile(os.path.join(ROOT, rel)):
                raise ConfigError("%s/Kbuild:%d: no such source %s" % (rel_dir, n, rel))
            if kind == "offsets":
                out[kind].append(rel)
                continue
            key = rel + (":" + tag if tag else "")
            out[kind].append({"src": rel, "obj": "obj/%s%s.o" % (
                rel.rsplit(".", 1)[0], "." + tag if tag else ""), "key": key})


def tree_files(tops, suffix):
    for top in tops:
        for dirpath, _, names in os.walk(os.path.join(ROOT, top)):
            for n in names:
                if n.endswith(suffix):
                    yield os.path.relpath(os.path.join(dirpath, n), ROOT)


def collect_sources(cfg, arch, variants):
    out = {"obj": [], "offsets": [], "cflags": {}, "kbuild": []}
    for d in kbuild_dirs(cfg, arch, variants):
        read_kbuild(d, cfg, arch, out)
    return out


def include_dirs(cfg, arch, variants):
    dirs = ["kernel/include", "arch/%s/include" % arch,
            "platforms/%s/include" % cfg["PLATFORM_NAME"]]
    dirs += ["components/%s/%s/include" % cv for cv in variants.items()]
    return [d for d in dirs if os.path.isdir(os.path.join(ROOT, d))]


# ---------------------------------------------------------------------------
# Rendering

def entry_templates(arch):
    """The assembly templates of an arch (*.S.j2): each renders to generated/*.S and is built."""
    return sorted(n for n in os.listdir(os.path.join(ROOT, "templates", arch)) if n.endswith(".S.j2"))


def jinja_env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["shquote"] = shlex.quote
    return env


def generated_header(template, profile, arch, comment):
    return "%s Generated by configure.py from %s for profile %s, arch %s. Do not edit." % (
        comment, template, profile, arch)


def render_tree(kconf, profile, arch, builddir, kvm):
    """{relative path: text} of every file configure writes into a build directory."""
    cfg = config_dict(kconf)
    variants = selected_variants(kconf)
    env = jinja_env()
    macros = {}
    for comp, var in variants.items():
        path = "components/%s/%s/%s.S.j2" % (comp, var, arch)
        if os.path.isfile(os.path.join(ROOT, path)):
            macros[comp] = env.get_template(path).module
    sources = collect_sources(cfg, arch, variants)
    regen_inputs = sorted(set(os.path.relpath(f, ROOT) if os.path.isabs(f) else f
                              for f in kconf.kconfig_filenames) | set(sources["kbuild"])
                          | set(tree_files(("templates", "components"), ".j2"))
                          | {"arch", "templates/" + arch})
    ctx = dict(regen_inputs=regen_inputs, generated_asm=[n[:-len(".j2")] for n in entry_templates(arch)],
               config=cfg, profile=profile, arch=arch, variants=variants, root=ROOT,
               sources=sources, includes=include_dirs(cfg, arch, variants), kvm=kvm,
               tools=toolchain(arch), cc_include=compiler_include_dir(arch), python=sys.executable,
               **macros)

    files = {}
    header = generated_header("Kconfig", profile, arch, "#")
    files[".config"] = config_text(kconf, "# Kiln: profile=%s arch=%s\n%s\n" % (
        profile, arch, header))
    files["include/generated/autoconf.h"] = autoconf_text(
        kconf, "/* %s */\n" % generated_header("Kconfig", profile, arch, "")[1:])
    templates = [("templates/build_info.h.j2", "include/generated/build_info.h"),
                 ("templates/%s/kernel.ld.j2" % arch, "generated/kernel.ld")]
    templates += [("templates/%s/%s" % (arch, name), "generated/" + name[:-len(".j2")])
                  for name in entry_templates(arch)]
    templates.append(("build.ninja.in", "build.ninja"))
    for tpl, out in templates:
        comment = "#" if out.endswith(".ninja") else "/*"
        head = generated_header(tpl, profile, arch, comment)
        if comment == "/*":
            head = head + " */"
        files[out] = env.get_template(tpl).render(generated_by=head, template=tpl, **ctx)
    return files


def config_text(kconf, header):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config")
        kconf.write_config(path, header=header, save_old=False)
        with open(path) as f:
            return f.read()


def autoconf_text(kconf, header):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "autoconf.h")
        kconf.write_autoconf(path, header=header)
        with open(path) as f:
            return f.read()


def check_writable(builddir, files):
    """Refuse before writing anything if some output path is blocked by a non-directory."""
    if os.path.exists(builddir) and not os.path.isdir(builddir):
        raise ConfigError("build directory %s exists and is not a directory" % builddir)
    for rel in sorted(files):
        path = builddir
        for part in os.path.dirname(rel).split("/") if os.path.dirname(rel) else []:
            path = os.path.join(path, part)
            if os.path.exists(path) and not os.path.isdir(path):
                raise ConfigError("cannot write %s: %s is not a directory" % (rel, path))
        target = os.path.join(builddir, rel)
        if os.path.isdir(target):
            raise ConfigError("cannot write %s: it is a directory" % target)


def write_tree(builddir, files):
    """Write only changed files, so ninja rebuilds only what changed.

    Every file is first written next to the build directory; only when all of them
    exist are they moved into place, each with an atomic rename."""
    check_writable(builddir, files)
    parent = os.path.dirname(os.path.abspath(builddir))
    try:
        os.makedirs(parent, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=parent, prefix=".kiln-configure-") as staging:
            changed = []
            for rel, text in sorted(files.items()):
                path = os.path.join(builddir, rel)
                if os.path.isfile(path):
                    with open(path) as f:
                        if f.read() == text:
                            continue
                staged = os.path.join(staging, rel)
                os.makedirs(os.path.dirname(staged), exist_ok=True)
                with open(staged, "w") as f:
                    f.write(text)
                changed.append(rel)
            for rel in changed:
                target = os.path.join(builddir, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                os.replace(os.path.join(staging, rel), target)
    except OSError as e:
        raise ConfigError("cannot write the build directory %s: %s" % (builddir, e))


# ---------------------------------------------------------------------------
# Tools

def toolchain(arch):
    spec = ARCH_TOOLS[arch]
    prefix = os.environ.get("CROSS_COMPILE")
    if prefix is None:
        prefix = spec["prefix"]
        if arch == "x86_64" and os.uname().machine != "x86_64":
            prefix = spec["cross_prefix"]
    tools = {t: prefix + t for t in spec["packages"]}
    tools["qemu"] = spec["qemu"][0]
    return tools


def check_tools(arch):
    tools = toolchain(arch)
    pkgs = dict(ARCH_TOOLS[arch]["packages"])
    for tool, name in sorted(tools.items()):
        if tool == "qemu":
            continue
        if shutil.which(name) is None:
            raise ConfigError("missing tool %s: install the Debian package %s (apt-get install %s)"
                              % (name, pkgs[tool], pkgs[tool]))
    for name, pkg in HOST_TOOLS.items():
        if shutil.which(name) is None:
            raise ConfigError("missing tool %s: install the Debian package %s (apt-get install %s)"
                              % (name, pkg, pkg))
    qemu, pkg = ARCH_TOOLS[arch]["qemu"]
    if shutil.which(qemu) is None:
        print("configure.py: warning: %s not found: the run/test/bench targets need the Debian "
              "package %s" % (qemu, pkg), file=sys.stderr)


def compiler_include_dir(arch):
    """The compiler's own header directory (stddef.h, stdint.h...): with -nostdinc, the only
    one kernel sources search besides the tree's, so no C library header can creep in."""
    cc, pkg = toolchain(arch)["gcc"], ARCH_TOOLS[arch]["packages"]["gcc"]
    try:
        out = subprocess.run([cc, "-print-file-name=include"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError) as e:
        raise ConfigError("cannot ask %s for its header directory (%s): install the Debian "
                          "package %s (apt-get install %s)" % (cc, e, pkg, pkg))
    if not os.path.isabs(out) or not os.path.isfile(os.path.join(out, "stddef.h")):
        raise ConfigError("%s has no header directory with stddef.h (-print-file-name=include "
                          "gave %r): install the Debian package %s (apt-get install %s)"
                          % (cc, out, pkg, pkg))
    return out


# ---------------------------------------------------------------------------
# Commands

def check_profile_arch(profile, arch):
    if profile not in profiles():
        raise ConfigError("unknown profile %r; valid profiles: %s" % (profile, ", ".join(profiles())))
    if arch not in arches():
        raise ConfigError("unknown arch %r; valid arches: %s" % (arch, ", ".join(arches())))


def resolve(profile, arch, sets=(), kvm=False):
    """A Kconfig object with base + profile + arch fragments and --set overrides applied."""
    check_profile_arch(profile, arch)
    assignments = []
    for frag in (os.path.join(ROOT, "profiles", "base.config"),
                 os.path.join(ROOT, "profiles", profile + ".config"),
                 os.path.join(ROOT, "arch", arch, "defconfig")):
        assignments += parse_fragment(frag)
    if kvm:
        assignments.append(("QEMU_ACCEL_KVM", "y", "--kvm"))
    assignments += [parse_set(s) for s in sets]
    kconf = load_kconfig()
    apply_assignments(kconf, assignments)
    if kconf.syms["ARCH_NAME"].str_value != arch:
        raise ConfigError("arch fragment arch/%s/defconfig did not select arch %s" % (arch, arch))
    return kconf


def generate(kconf, profile, arch, builddir):
    files = render_tree(kconf, profile, arch, builddir, kconf.syms["QEMU_ACCEL_KVM"].tri_value == 2)
    write_tree(builddir, files)
    # Newer than every input, or ninja would regenerate it forever.
    try:
        os.utime(os.path.join(builddir, "build.ninja"))
    except OSError as e:
        raise ConfigError("cannot update %s/build.ninja: %s" % (builddir, e))


def cmd_configure(args):
    arch = args.arch
    builddir = os.path.abspath(args.output or os.path.join(ROOT, "build", "%s-%s" % (args.profile, arch)))
    kconf = resolve(args.profile, arch, args.set or [], args.kvm)
    check_tools(arch)
    generate(kconf, args.profile, arch, builddir)
    variants = selected_variants(kconf)
    print("configured %s (profile %s, arch %s): %s" % (
        os.path.relpath(builddir), args.profile, arch,
        " ".join("%s=%s" % cv for cv in sorted(variants.items()))))
    print("next: ninja -C %s [run|test|bench|size|gdb]" % os.path.relpath(builddir))
    return 0


def read_build_identity(builddir):
    path = os.path.join(builddir, ".config")
    if not os.path.isfile(path):
        raise ConfigError("%s is not a configured build directory (no .config); run "
                          "./configure.py --profile P --arch A -o %s first" % (builddir, builddir))
    with open(path) as f:
        m = re.match(r"# Kiln: profile=(\S+) arch=(\S+)", f.readline())
    if not m:
        raise ConfigError("%s: first line is not a Kiln header" % path)
    return m.group(1), m.group(2)


def load_build_config(builddir):
    profile, arch = read_build_identity(builddir)
    check_profile_arch(profile, arch)
    kconf = load_kconfig()
    path = os.path.join(builddir, ".config")
    assignments = parse_fragment(path)
    apply_assignments(kconf, assignments)
    return kconf, profile, arch


def cmd_regenerate(args):
    builddir = os.path.abspath(args.output)
    kconf, profile, arch = load_build_config(builddir)
    generate(kconf, profile, arch, builddir)
    return 0


def cmd_menuconfig(args):
    builddir = os.path.abspath(args.output)
    profile, arch = read_build_identity(builddir)
    import menuconfig
    config = os.path.join(builddir, ".config")
    os.environ["KCONFIG_CONFIG"] = config
    os.environ["KCONFIG_CONFIG_HEADER"] = "# Kiln: profile=%s arch=%s\n" % (profile, arch)
    kconf = load_kconfig()
    kconf.load_config(config)
    menuconfig.menuconfig(kconf)
    kconf, profile, arch = load_build_config(builddir)
    generate(kconf, profile, arch, builddir)
    return 0


def cmd_savedefconfig(args):
    builddir = os.path.abspath(args.output)
    kconf, profile, arch = load_build_config(builddir)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "defconfig")
        kconf.write_min_config(path, header="# minimal fragment of %s (profile %s, arch %s)\n"
                               % (os.path.relpath(builddir), profile, arch))
        with open(path) as f:
            sys.stdout.write(f.read())
    return 0


def cmd_list(args):
    print("Profiles:")
    for p in profiles():
        print("  %-10s %s" % (p, profile_description(p)))
    print("\nArches: %s" % ", ".join(arches()))
    kconf = load_kconfig()
    print("\nComponents:")
    for comp, variants in components().items():
        print("  %s" % comp)
        for v in variants:
            sym = kconf.syms.get(variant_symbol(comp, v))
            summary, deps = "", ""
            if sym is not None and sym.nodes:
                node = sym.nodes[0]
                summary = (node.help or "").strip().split(".")[0].replace("\n", " ")
                own = [kconfiglib.expr_str(e)
                       for e in kconfiglib.split_expr(sym.direct_dep, kconfiglib.AND)
                       if not isinstance(e, kconfiglib.Choice) and e is not kconf.y]
                if own:
                    deps = " [depends on %s]" % " && ".join(own)
            print("    %-14s %s%s" % (v, summary, deps))
    return 0


def cmd_diff(args):
    with tempfile.TemporaryDirectory(prefix="kiln-diff-") as tmp:
        trees = []
        for profile, own in ((args.profile_a, args.set_a), (args.profile_b, args.set_b)):
            kconf = resolve(profile, args.arch, (args.set or []) + (own or []))
            builddir = os.path.join(tmp, profile)
            trees.append(render_tree(kconf, profile, args.arch, builddir, False))
    changed = 0
    out = []
    for rel in sorted(set(trees[0]) | set(trees[1])):
        a = strip_provenance(trees[0].get(rel, ""))
        b = strip_provenance(trees[1].get(rel, ""))
        if a == b:
            continue
        changed += 1
        lines = list(difflib.unified_diff(a.splitlines(True), b.splitlines(True),
                                          "%s/%s" % (args.profile_a, rel),
                                          "%s/%s" % (args.profile_b, rel)))
        if args.stat:
            plus = sum(1 for l in lines if l.startswith("+") and not l.startswith("+++"))
            minus = sum(1 for l in lines if l.startswith("-") and not l.startswith("---"))
            out.append(" %-34s | +%d -%d\n" % (rel, plus, minus))
        else:
            out.extend(l if l.endswith("\n") else l + "\n" for l in lines)
    if args.stat:
        out.append(" %d file(s) differ between %s and %s (%s)\n"
                   % (changed, args.profile_a, args.profile_b, args.arch))
    sys.stdout.write("".join(out))
    return 1 if changed else 0


def strip_provenance(text):
    """Drop the lines that name the profile: they differ in every file and say nothing."""
    return "".join(l for l in text.splitlines(True)
                   if "Generated by configure.py" not in l and not l.startswith("# Kiln: profile="))


def parse_args(argv):
    commands = {"list", "diff", "menuconfig", "savedefconfig", "regenerate"}
    if argv and argv[0] in commands:
        cmd = argv[0]
        p = argparse.ArgumentParser(prog="configure.py " + cmd)
        if cmd == "diff":
            p.add_argument("profile_a")
            p.add_argument("profile_b")
            p.add_argument("--arch", default="x86_64")
            p.add_argument("--stat", action="store_true", help="per-file changed-line counts only")
            p.add_argument("--set", action="append", metavar="CONFIG_X=V",
                           help="override applied to both profiles")
            p.add_argument("--set-a", action="append", metavar="CONFIG_X=V",
                           help="override applied to the first profile only")
            p.add_argument("--set-b", action="append", metavar="CONFIG_X=V",
                           help="override applied to the second profile only")
        elif cmd in ("menuconfig", "savedefconfig", "regenerate"):
            p.add_argument("-o", "--output", required=True, help="build directory")
        args = p.parse_args(argv[1:])
        args.command = cmd
        return args
    p = argparse.ArgumentParser(
        prog="configure.py", description="Configure a Kiln build directory from a profile.",
        epilog="Other commands: list, diff A B, menuconfig -o DIR, savedefconfig -o DIR.")
    p.add_argument("--profile", default="tiny", help="profile name (see: configure.py list)")
    p.add_argument("--arch", default="x86_64", help="x86_64 or arm64")
    p.add_argument("-o", "--output", help="build directory (default build/<profile>-<arch>)")
    p.add_argument("--set", action="append", metavar="CONFIG_X=V", help="Kconfig override")
    p.add_argument("--kvm", action="store_true",
                   help="boot under KVM (needs hardware virtualization; TCG is the default)")
    args = p.parse_args(argv)
    args.command = "configure"
    return args


def main(argv):
    args = parse_args(argv)
    handlers = {"configure": cmd_configure, "list": cmd_list, "diff": cmd_diff,
                "menuconfig": cmd_menuconfig, "savedefconfig": cmd_savedefconfig,
                "regenerate": cmd_regenerate}
    try:
        return handlers[args.command](args)
    except ConfigError as e:
        fail(str(e))
    except (kconfiglib.KconfigError, jinja2.TemplateError) as e:
        fail("%s: %s" % (type(e).__name__, e))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
