"""Shared helpers of the host test suite: tree discovery, running the configurator, ninja and
QEMU, and parsing what they print (KTAP, kbench lines, generated files).

Imported by the test modules and by conftest.py; holds no pytest fixtures itself.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
# Tree discovery is the configurator's own, so the test matrix grows with the tree.
from kilnconf.toolchain import flavour, platform_facts, qemu_options  # noqa: E402
from kilnconf.tree import (SOURCE_DIRS, arch_platform, arches, components, platforms,  # noqa: E402,F401
                           profiles, variant_symbol)
CONFIGURE = ROOT / "configure.py"
QEMU_RUN = ROOT / "scripts" / "qemu-run.py"
GEN_OFFSETS = ROOT / "scripts" / "gen-offsets.py"
DEBIAN_PYTHON = "/usr/bin/python3"

# Timeouts (seconds) for every kind of child process. The QEMU runner kills a hung guest
# after CONFIG_QEMU_TIMEOUT_SECONDS (120 by default); the boot timeout leaves room for that.
CONFIGURE_TIMEOUT = 120
BUILD_TIMEOUT = 600
BOOT_TIMEOUT = 300
TOOL_TIMEOUT = 120


# ---------------------------------------------------------------------------
# Tree discovery: the test matrix grows with the tree.

def profile_description(name):
    """What follows 'name:' on the first comment line of profiles/name.config."""
    first = (ROOT / "profiles" / (name + ".config")).read_text().splitlines()[0]
    m = re.match(r"#\s*%s:\s*(.*)$" % re.escape(name), first)
    return m.group(1).strip() if m else None


ARCHES = arches()
PROFILES = profiles()


def pick(preferred, available):
    """preferred if the tree has it, else the first available one (for one-off checks)."""
    return preferred if preferred in available else available[0]


DEFAULT_ARCH = pick("x86_64", ARCHES) if ARCHES else None
DEFAULT_PROFILE = pick("tiny", PROFILES) if PROFILES else None
# CI runs every stack-switch policy on every profile and arch, whichever a profile selects
# (conftest's builds.with_variant() builds a profile with one).
POLICIES = sorted(components().get("stackswitch", []))


# ---------------------------------------------------------------------------
# Processes

def clean_env(**overrides):
    """The environment children run in: no re-exec guard, no cross prefix from the caller.

    A value of None removes the variable."""
    env = dict(os.environ)
    for var in ("KILN_REEXEC", "CROSS_COMPILE", "KCONFIG_CONFIG", "srctree"):
        env.pop(var, None)
    env["LC_ALL"] = "C.UTF-8"
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run(cmd, timeout, cwd=None, env=None, stdin=subprocess.DEVNULL):
    """Run cmd, capturing stdout and stderr as text; never raises on a non-zero status."""
    if env is None:
        env = clean_env()
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=stdin,
                          text=True, errors="replace", timeout=timeout)


def describe(proc):
    """A failure message showing what a process did."""
    return "command: %s\nexit status: %s\n--- stdout ---\n%s\n--- stderr ---\n%s" % (
        " ".join(shlex.quote(str(a)) for a in proc.args), proc.returncode,
        proc.stdout[-20000:], proc.stderr[-20000:])


def configure(*args, python=None, root=ROOT, env=None, timeout=CONFIGURE_TIMEOUT):
    """configure.py ARGS, run with `python` (default: the interpreter running pytest)."""
    cmd = [python or sys.executable, Path(root) / "configure.py"] + [str(a) for a in args]
    return run(cmd, timeout, cwd=root, env=env)


def configure_build_dir(builddir, profile, arch, sets=(), extra=(), **kw):
    args = ["--profile", profile, "--arch", arch, "-o", builddir]
    for s in sets:
        args += ["--set", s]
    return configure(*(args + list(extra)), **kw)


def ninja(builddir, *targets, timeout=BUILD_TIMEOUT, env=None):
    return run(["ninja", "-C", builddir] + list(targets), timeout, env=env)


def qemu_run_cmd(arch, kernel, mode):
    """The start of a scripts/qemu-run.py command line booting an arch's kernel on its platform."""
    return [sys.executable, QEMU_RUN, "--platform", arch_platform(arch), "--kernel", kernel,
            "--mode", mode]


def qemu_facts(arch):
    """The [qemu] table of the platform an arch boots on (binary, package, append_max...)."""
    return platform_facts(arch_platform(arch))["qemu"]


def qemu_config_args(arch, kernel):
    """The scripts/qemu-run.py options for the machine the kernel's build directory
    configures, as `ninja test` passes them: CONFIG_QEMU_CPU, CONFIG_QEMU_SMP and the
    platform's -M options."""
    build = build_dir_holding(kernel)
    cfg = read_config(build) if build else {}
    args = []
    if cfg.get("CONFIG_QEMU_CPU"):
        args += ["--cpu", cfg["CONFIG_QEMU_CPU"]]
    if cfg.get("CONFIG_QEMU_SMP"):
        args += ["--smp", cfg["CONFIG_QEMU_SMP"]]
    plain = {k[len("CONFIG_"):]: v for k, v in cfg.items() if v != "n"}
    for opt in qemu_options(arch_platform(arch), plain) if cfg else ():
        args += ["--machine-opt", opt]
    return args


def qemu_run(arch, kernel, mode, append=(), timeout=BOOT_TIMEOUT, extra=()):
    """scripts/qemu-run.py directly (what the crash scenarios use), on the machine the
    kernel's build directory configures (qemu_config_args()), unless extra says otherwise (a
    later --cpu or --smp wins)."""
    cmd = qemu_run_cmd(arch, kernel, mode) + qemu_config_args(arch, kernel)
    for a in append:
        cmd += ["--append", a]
    return run(cmd + list(extra), timeout)


def c_define(path, name):
    """The integer value of '#define NAME value' in a C header of the tree."""
    text = (ROOT / path).read_text()
    m = re.search(r"^#define\s+%s\s+(\w+)" % re.escape(name), text, re.M)
    assert m, "no #define %s in %s" % (name, path)
    return int(m.group(1), 0)


# ---------------------------------------------------------------------------
# Build directories

def snapshot(path):
    """{relative path: (bytes, mtime_ns)} of every file under path; None if path is absent."""
    path = Path(path)
    if not path.exists():
        return None
    out = {}
    for dirpath, dirnames, filenames in os.walk(path):
        for d in dirnames:
            full = Path(dirpath) / d
            out[str(full.relative_to(path)) + "/"] = (b"<dir>", None)
        for n in filenames:
            full = Path(dirpath) / n
            out[str(full.relative_to(path))] = (full.read_bytes(), full.stat().st_mtime_ns)
    return out


def snapshot_diff(before, after):
    """Human-readable list of what changed between two snapshots."""
    if before is None or after is None:
        return ["directory %s" % ("created" if before is None else "removed")]
    changes = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            changes.append("removed " + rel)
        elif rel not in before:
            changes.append("added " + rel)
        elif before[rel][0] != after[rel][0]:
            changes.append("content changed " + rel)
        elif before[rel][1] != after[rel][1]:
            changes.append("mtime changed " + rel)
    return changes


def assert_config_error(args, expect, protect, tmp_path, *, python=None, root=ROOT, env=None,
                        output_opt=("-o",)):
    """Run configure.py ARGS -o PROTECT (a configured directory) and ARGS -o MISSING.

    Both must exit 2 with every string of `expect` on stderr, without a traceback; PROTECT
    must keep every file's bytes and mtime and MISSING must not be created."""
    before = snapshot(protect)
    assert before, "nothing to protect in %s" % protect
    missing = tmp_path / "not-created" / "build"
    results = []
    for target in (protect, missing):
        proc = configure(*(list(args) + list(output_opt) + [target]), python=python,
                            root=root, env=env)
        results.append(proc)
        assert proc.returncode == 2, describe(proc)
        assert "Traceback" not in proc.stderr, describe(proc)
        for text in expect:
            assert text in proc.stderr, "expected %r in stderr\n%s" % (text, describe(proc))
    changes = snapshot_diff(before, snapshot(protect))
    assert not changes, "failing configure touched %s: %s" % (protect, changes)
    assert not missing.exists(), "failing configure created %s" % missing
    assert not missing.parent.exists(), "failing configure created %s" % missing.parent
    return results[0]


def read_config(builddir):
    """{CONFIG_NAME: value} of DIR/.config; 'n' for '# CONFIG_X is not set'."""
    out = {}
    for line in (Path(builddir) / ".config").read_text().splitlines():
        m = re.match(r"^(CONFIG_\w+)=(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2).strip('"')
            continue
        m = re.match(r"^# (CONFIG_\w+) is not set$", line)
        if m:
            out[m.group(1)] = "n"
    return out


def selected_variants(builddir):
    """{component: variant} as .config selects them (CONFIG_<COMPONENT>_<VARIANT>=y)."""
    cfg = read_config(builddir)
    out = {}
    for comp, variants in components().items():
        for v in variants:
            sym = "CONFIG_" + (comp + "_" + v).upper().replace("-", "_")
            if cfg.get(sym) == "y":
                out[comp] = v
    return out


def compiled_sources(builddir):
    """Absolute paths of the C and assembly files build.ninja compiles from the tree."""
    text = (Path(builddir) / "build.ninja").read_text()
    root = re.search(r"^root = (.*)$", text, re.M).group(1).strip()
    out = []
    for m in re.finditer(r"^build obj/\S+\.o: (?:cc|as) \$root/(\S+)", text, re.M):
        out.append(Path(root) / m.group(1))
    return out


def macro_names(paths, macro):
    """{name: conditional} of MACRO(name...) declarations at the start of a line in the given
    sources; conditional is True when the declaration sits inside an #if/#ifdef block (so the
    configuration decides whether it exists)."""
    names = {}
    # NAME(base, OPT) builds the name from a -D flag of the object: base_<OPT value>.
    pattern = re.compile(r"^%s\((?:NAME\((\w+), \w+\)|(\w+))" % re.escape(macro))
    for p in paths:
        depth = 0
        for line in Path(p).read_text(errors="replace").splitlines():
            directive = re.match(r"^\s*#\s*(if|ifdef|ifndef|endif)\b", line)
            if directive:
                depth += -1 if directive.group(1) == "endif" else 1
                continue
            m = pattern.match(line)
            if m:
                name = m.group(1) + "_*" if m.group(1) else m.group(2)
                names[name] = names.get(name, True) and depth > 0
    return names


def build_dir_holding(path):
    """The build directory (its .config starts with the Kiln header) path lies in, else None."""
    for d in Path(path).parents:
        cfg = d / ".config"
        try:
            with open(cfg, "rb") as f:
                if f.readline().startswith(b"# Kiln: profile="):
                    return d
        except OSError:
            continue
    return None


def generated_files(builddir):
    """Relative paths of every generated file in a configured (not built) directory: all but
    the configurator's own state (.kiln/: lock and completion stamp)."""
    return sorted(k for k in snapshot(builddir) if not k.endswith("/")
                  and not k.startswith(".kiln/"))


# ---------------------------------------------------------------------------
# ELF, read directly: a check of what binutils reports that does not rely on binutils

SHF_ALLOC = 0x2


def elf_sections(path):
    """{name: (size, flags, type)} of an ELF64 little-endian file's section headers."""
    import struct
    data = Path(path).read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, "not an ELF64 LE file"
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx][4]

    def name(off):
        return data[strtab + off:data.index(b"\0", strtab + off)].decode()

    return {name(h[0]): (h[5], h[2], h[1]) for h in headers[1:]}


# ---------------------------------------------------------------------------
# KTAP

# A line KTAP gives meaning to (after its indentation): version, plan, result, diagnostic.
# Anything else is kernel log between KTAP lines, which KTAP allows and ignores.
KTAP_LINE = re.compile(r"^(KTAP version \d+|1\.\.\d+|(ok|not ok) \d+( .*)?|#.*)$")
KTAP_INDENT = 4


class Ktap:
    """Top-level KTAP version 1 output: plan, results, diagnostics.

    KTAP reads indentation as nesting: a subtest opens with an indented 'KTAP version' line
    one level (4 spaces) deeper and ends at the next line of a shallower level. A KTAP line
    at a level no subtest opened (a test's diagnostics indented under it, say) is malformed:
    the constructor raises ValueError naming it."""

    def __init__(self, text):
        self.lines = text.splitlines()
        self.version_seen = False
        self.plan = None
        self.results = []  # (ok, number, name, line)
        self.diagnostics = []
        started = False
        depth = 0  # open subtests
        for number, line in enumerate(self.lines, 1):
            if line.strip() == "KTAP version 1" and not line[0].isspace():
                if started:
                    raise ValueError("two KTAP headers in one output")
                started = self.version_seen = True
                continue
            body = line.lstrip(" ")
            if not started or not KTAP_LINE.match(body):
                continue
            level, rest = divmod(len(line) - len(body), KTAP_INDENT)
            if level == depth + 1 and not rest and body.startswith("KTAP version "):
                depth = level
                continue
            if rest or level > depth:
                raise ValueError(
                    "KTAP line %d is indented %d spaces, which KTAP reads as nesting level "
                    "%s, but %d subtest level(s) are open: %r"
                    % (number, len(line) - len(body), level if not rest else "(none)", depth,
                       line))
            depth = level
            if level:
                continue  # inside a subtest: not a top-level line
            m = re.match(r"^1\.\.(\d+)$", line)
            if m and self.plan is None:
                self.plan = int(m.group(1))
                continue
            m = re.match(r"^(ok|not ok) (\d+) (\S+)(?:\s+#.*)?$", line)
            if m:
                self.results.append((m.group(1) == "ok", int(m.group(2)), m.group(3), line))
                continue
            if line.startswith("#"):
                self.diagnostics.append(line)

    @property
    def names(self):
        return [r[2] for r in self.results]

    def failed(self):
        return [r for r in self.results if not r[0]]

    def diagnostics_before(self, name):
        """The top-level diagnostic lines printed since the previous result, up to test
        `name`'s result: that test's diagnostics."""
        block = []
        for line in self.lines:
            m = re.match(r"^(ok|not ok) \d+ (\S+)", line)
            if m:
                if m.group(2) == name:
                    return block
                block = []
            elif line.startswith("#"):
                block.append(line)
        return None


def assert_ktap_all_ok(ktap, output):
    """The common KTAP checks: header, plan matches the results, numbered 1..N, all ok."""
    assert ktap.version_seen, "no 'KTAP version 1' line in:\n" + output
    assert ktap.plan is not None, "no KTAP plan line '1..N' in:\n" + output
    assert ktap.plan == len(ktap.results), (
        "plan says %d tests, %d results printed:\n%s" % (ktap.plan, len(ktap.results), output))
    assert [r[1] for r in ktap.results] == list(range(1, ktap.plan + 1)), (
        "results are not numbered 1..N:\n" + output)
    assert not ktap.failed(), "failing tests: %s\n%s" % (
        ", ".join(r[2] for r in ktap.failed()), output)


# ---------------------------------------------------------------------------
# kbench

KBENCH_LINE = re.compile(r"^\s*kbench: name=(\S+) batches=(\d+) ops=(\d+) min=([\d.]+) "
                         r"median=([\d.]+) unit=(insn|ns|bytes)\s*$")


# Bench mode's one-off figures (kernel/main.c): printed on every bench boot, batches=1.
BENCH_FIGURES = ("boot_to_ready", "thread_kernel_memory", "user_thread_kernel_memory",
                 "page_table_memory", "page_table_memory_1_domain",
                 "page_table_memory_8_domains", "page_table_memory_64_domains")


def parse_kbench(text):
    """[(name, batches, ops, min, median, unit)] of every kbench result line."""
    out = []
    for line in text.splitlines():
        m = KBENCH_LINE.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4)),
                        float(m.group(5)), m.group(6)))
    return out


# ---------------------------------------------------------------------------
# Copies of the tree, for error paths that need a modified source tree

def copy_tree(dest):
    """Copy the source tree (without build/, .git and caches) to dest; returns dest."""
    shutil.copytree(ROOT, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("build", ".git", "__pycache__", ".pytest_cache",
                                                  "compile_commands.json"))
    return Path(dest)


# ---------------------------------------------------------------------------
# Toolchain and QEMU facts keyed by arch, from the tree's own data (arch/<arch>/arch.toml,
# platforms/<platform>/platform.toml), as the configurator reads them.

ARCH_TOOL_PREFIX = {a: flavour(a)["prefix"] for a in ARCHES}
ARCH_GCC_PACKAGE = {a: flavour(a)["packages"]["gcc"] for a in ARCHES}
# Every tool configure requires of an arch's toolchain (gcc, ld, objcopy, objdump...).
ARCH_TOOLS = {a: sorted(flavour(a)["packages"]) for a in ARCHES}
ARCH_QEMU = {a: (qemu_facts(a)["binary"], qemu_facts(a)["package"]) for a in ARCHES}


def arch_gcc(arch):
    """The C compiler the build uses for arch."""
    return ARCH_TOOL_PREFIX[arch] + "gcc"


def crash_register_errors(text):
    """What a crash report shows differently from the registers its scenario announced
    ("kcrash: registers xN = 0x<base> | N[ but x9][; sp 0x..., elr 0x..., far 0x..., spsr 0x...]"): every
    general-purpose register but those named (and x29, the frame pointer) holds base | N in
    the arm64 dump (X<N> =...), and the named system registers their values. [] when the
    scenario announced nothing."""
    m = re.search(r"^kcrash: registers xN = 0x([0-9a-f]+) \| N(?: but ([x0-9, ]+))?(?:; (.*))?$",
                  text, re.M)
    if not m:
        return []
    base, report = int(m.group(1), 16), text[m.end():]
    skip = {29} | {int(n) for n in re.findall(r"x(\d+)", m.group(2) or "")}
    regs = {int(n): int(v, 16) for n, v in re.findall(r"\bX(\d+)\s*=([0-9a-f]{16})", report)}
    errors = ["X%d = %s, want %x" % (n, "%x" % regs[n] if n in regs else "missing", base | n)
              for n in range(31) if n not in skip and regs.get(n) != base | n]
    labels = {"sp": r"\bSP\s*=", "elr": r"ELR_EL1=", "far": r"FAR_EL1=", "spsr": r"SPSR_EL1="}
    for name, want in re.findall(r"(sp|elr|far|spsr) 0x([0-9a-f]+)", m.group(3) or ""):
        got = re.search(labels[name] + r"(?:0x)?([0-9a-f]{16})", report)
        if not got or int(got.group(1), 16) != int(want, 16):
            errors.append("%s = %s, want %s" % (name, got.group(1) if got else "missing", want))
    return errors
