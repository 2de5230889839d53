"""Mutation harness for generated assembly and variant sources: prove that every instruction of
a save or restore sequence, and every line a variant contributes to the entry paths, is
load-bearing.

A mutant is one generated file of a build directory (e.g. generated/switch.S) with one line
dropped, or one register dropped from a save or restore instruction (for a pair instruction
such as arm64 `stp x19, x20, [sp, #16]`, the other register is still stored, at its own
offset). The runner copies a built directory once per worker, writes each mutant over the
generated file, lets Ninja rebuild (it must rebuild only that file's object and the link),
boots only the selected in-kernel tests and records whether they failed. A mutant whose tests
still pass survived: the instruction it dropped is not load-bearing, or no test checks it.

transfers() enumerates the candidates from the generated text itself, so the mutants follow
the templates and variants as they change: every instruction that moves architectural state
between a register and memory (or a system register) is one. owned_lines() and line_mutants() mutate
what one component wrote into a generated file instead: each of its instruction lines dropped in
turn, found through the file's attribution map (generated/<file>.map). c_statement_mutants()
drops each statement of a C function of a variant, which SourceMutationRunner mutates in a
private copy of the source tree.

Reusable by other generated files: give MutationRunner the build, the file and a test pattern
(and crash scenarios whose reports must stay right).
"""

import concurrent.futures
import dataclasses
import json
import queue
import re
import shutil
import time
from pathlib import Path

import kiln_harness as kh

# (summary line, mutants, killed) of every mutation run in this session; conftest.py prints
# them at the end of the test output.
SUMMARIES = []

SAVE, RESTORE = "save", "restore"


# ---------------------------------------------------------------------------
# Which instructions move registers to or from memory

@dataclasses.dataclass(frozen=True)
class Transfer:
    """One instruction that saves or restores state: line index, direction, what it moves."""
    line: int
    kind: str  # SAVE or RESTORE
    regs: tuple  # the registers (or state) it moves, in operand order
    text: str


def _code(line):
    """The instruction part of an assembly line: no comment, label or directive; '' if none."""
    line = re.sub(r"/\*.*?\*/", "", line)
    line = re.sub(r"//.*$", "", line).strip()
    if line.startswith("#"):
        return ""
    line = re.sub(r"^[\w.$]+:\s*", "", line)
    if not line or line.startswith("."):
        return ""
    return line


def _operands(args):
    """Split an operand list at top-level commas (not inside () or [])."""
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


# x86_64 (AT&T syntax): instructions that move whole state components, by mnemonic.
_X86_STATE = {"fxsave": (SAVE, "fp/simd file"), "fxrstor": (RESTORE, "fp/simd file"),
              "fxsave64": (SAVE, "fp/simd file"), "fxrstor64": (RESTORE, "fp/simd file"),
              "stmxcsr": (SAVE, "mxcsr"), "ldmxcsr": (RESTORE, "mxcsr"),
              "fnstcw": (SAVE, "x87 cw"), "fldcw": (RESTORE, "x87 cw"),
              "pushfq": (SAVE, "rflags"), "popfq": (RESTORE, "rflags"),
              "wrmsr": (RESTORE, "msr[%ecx]"), "rdmsr": (SAVE, "msr[%ecx]"),
              "rdfsbase": (SAVE, "fs base"), "wrfsbase": (RESTORE, "fs base"),
              "rdgsbase": (SAVE, "gs base"), "wrgsbase": (RESTORE, "gs base")}


def _x86_transfer(op, args):
    if op in _X86_STATE:
        return _X86_STATE[op][0], (_X86_STATE[op][1],)
    ops = _operands(args)
    if op in ("pushq", "push"):
        return SAVE, (ops[0].lstrip("%"),)
    if op in ("popq", "pop"):
        return RESTORE, (ops[0].lstrip("%"),)
    if re.fullmatch(r"mov[qlwb]?|movdq[au]|movap[sd]|movup[sd]", op) and len(ops) == 2:
        src, dst = ops
        if src.startswith("%") and "(" in dst:
            return SAVE, (src[1:],)
        if "(" in src and dst.startswith("%"):
            return RESTORE, (dst[1:],)
    return None


_ARM64_SIZE = {"x": 8, "d": 8, "q": 16, "w": 4, "s": 4}


def _arm64_transfer(op, args):
    ops = _operands(args)
    if op in ("stp", "str", "st1", "stur"):
        return SAVE, tuple(o for o in ops if not o.startswith(("[", "#")))
    if op in ("ldp", "ldr", "ld1", "ldur"):
        return RESTORE, tuple(o for o in ops if not o.startswith(("[", "#")))
    if op == "mrs":
        return SAVE, (ops[1],)
    if op == "msr" and not ops[0].startswith(("daifset", "daifclr", "spsel")):
        return RESTORE, (ops[0],)
    return None


_PARSERS = {"x86_64": _x86_transfer, "arm64": _arm64_transfer}


def transfers(text, arch):
    """Every save or restore instruction of an assembly file, in order."""
    parse = _PARSERS[arch]
    out = []
    for i, line in enumerate(text.splitlines()):
        code = _code(line)
        if not code:
            continue
        op, args = (code.split(None, 1) + [""])[:2]
        found = parse(op.lower(), args.strip())
        if found:
            out.append(Transfer(i, found[0], found[1], code))
    return out


# ---------------------------------------------------------------------------
# Mutants

@dataclasses.dataclass(frozen=True)
class Mutant:
    """A generated file (path relative to the build dir) with one line changed or dropped."""
    file: str
    line: int
    kind: str
    what: str  # the register or state it stops saving or restoring
    replacement: str = None  # None: the line is dropped
    original: str = ""

    def apply(self, text):
        lines = text.splitlines(keepends=True)
        if self.replacement is None:
            del lines[self.line]
        else:
            indent = re.match(r"\s*", lines[self.line]).group(0)
            lines[self.line] = indent + self.replacement + "\n"
        return "".join(lines)

    def __str__(self):
        how = "drop line" if self.replacement is None else "-> '%s'" % self.replacement
        return "%s %s (%s:%d '%s', %s)" % (self.kind, self.what, self.file, self.line + 1,
                                          self.original, how)


def _arm64_drop_from_pair(code, keep_index):
    """`stp a, b, [base, #off]` -> the single store of operand keep_index at its own address."""
    m = re.fullmatch(r"(ld|st)p\s+(\w+),\s*(\w+),\s*\[(\w+)(?:,\s*#([^\]]+))?\]", code)
    if not m:
        return None  # writeback or other addressing: drop the whole line instead
    kind, regs, base, off = m.group(1), (m.group(2), m.group(3)), m.group(4), m.group(5)
    reg = regs[keep_index]
    size = _ARM64_SIZE[reg[0].lower()]
    offset = off or "0"
    if keep_index == 1:
        offset = "%s + %d" % (offset, size)
    return "%sr\t%s, [%s, #%s]" % (kind, reg, base, offset)


def mutants(file, text, arch):
    """One mutant per register of every save and restore instruction in text."""
    out = []
    for t in transfers(text, arch):
        if arch == "arm64" and len(t.regs) == 2 and t.text.split()[0] in ("stp", "ldp"):
            for drop in (0, 1):
                single = _arm64_drop_from_pair(t.text, 1 - drop)
                out.append(Mutant(file, t.line, t.kind, t.regs[drop], single, t.text))
            continue
        out.append(Mutant(file, t.line, t.kind, "/".join(t.regs), None, t.text))
    return out


def _uncommented(text):
    """text with every /* */ comment blanked, lines kept: a comment may span lines."""
    return re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)


def owned_lines(build_dir, file, component):
    """Indexes of the instruction lines of a generated file that a component's hooks wrote
    (its includes() aside), from the file's attribution map."""
    code = [_code(l) for l in _uncommented((Path(build_dir) / file).read_text()).splitlines()]
    owners = json.loads((Path(build_dir) / (file + ".map")).read_text())["hooks"]
    lines = set()
    for h in owners:
        if h["component"] == component and h["hook"] != "includes":
            first, last = h["lines"]  # 1-based, inclusive
            lines.update(i for i in range(first - 1, last) if code[i])
    return sorted(lines)


def line_mutants(file, text, lines, what):
    """One mutant per line: that line dropped."""
    src = text.splitlines()
    return [Mutant(file, i, "line", what, None, _code(src[i])) for i in lines]


def c_statement_mutants(file, text, function):
    """A drop-line mutant for every statement (a line ending in ';') in the body of the C
    function `function`, defined at the start of a line with its body closed by a '}' in
    column 0."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines)
                 if re.match(r"^\w[\w\s*]*\b%s\(" % re.escape(function), l))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("}"))
    return [Mutant(file, n, "statement", function, None, lines[n].strip())
            for n in range(start, end) if lines[n].strip().endswith(";")]


_DECLARATION = re.compile(r"^(const |static |struct |unsigned |bool |int |long |size_t |pte_t |"
                          r"uintptr_t |paddr_t |uint\d+_t )")


def c_effect_mutants(file, text, function):
    """A mutant for every statement with an effect in the body of the C function `function`
    (as c_statement_mutants() finds it): the statement becomes `if (0) { statement }`, which
    keeps the body of an `if` well-formed and every variable used. Only statements on one
    line of their own (each mutant builds); not declarations, returns, `(void)x;`, nor
    panic() and BUG_ON(), which guard what no test can reach."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines)
                 if re.match(r"^\w[\w\s*]*\b%s\(" % re.escape(function), l))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("}"))
    mutants, depth, ended = [], 0, True
    for n in range(start + 2, end):
        code = lines[n].strip()
        # Not the tail of a statement wrapped after an operator (`a =` / `b;`).
        whole = depth == 0 and ended and code.count("(") == code.count(")")
        depth += code.count("(") - code.count(")")
        if code and not code.startswith(("/*", "*", "#", "//")):
            ended = (code.endswith((";", "{", "}", ":")) or code == "else"
                     or bool(re.match(r"(if|for|while|else if)\b.*\)$", code)))
        if (whole and code.endswith(";") and not code.startswith(("return", "panic(", "BUG_ON("))
                and not _DECLARATION.match(code) and not re.fullmatch(r"\(void\)\w+;", code)):
            mutants.append(Mutant(file, n, "statement", function, "if (0) { %s }" % code, code))
    return mutants


# ---------------------------------------------------------------------------
# Running them

@dataclasses.dataclass
class Result:
    mutant: Mutant
    killed: bool
    seconds: float
    why: str  # the failing tests, or how the boot ended


def _rebuilt(ninja_stdout):
    """Outputs of the edges ninja ran, from its '[i/n] RULE output' status lines."""
    return {m.group(1) for m in re.finditer(r"^\[\d+/\d+\] \S+ (\S+)$", ninja_stdout, re.M)}


def _verdict(proc):
    ktap = kh.Ktap(proc.stdout)
    failed = [r[2] for r in ktap.failed()]
    if failed:
        return "failed: " + ", ".join(failed)
    tail = [l for l in proc.stdout.splitlines() if l.startswith("kiln: ")]
    return tail[-1] if tail else "exit status %d" % proc.returncode


class MutationRunner:
    """Runs mutants of one generated file of a built directory against a test selection."""

    def __init__(self, build_dir, arch, file, selection, workdir, workers=2, timeout=20,
                 crashes=None, machines=((),)):
        """crashes: {scenario: check}; check(proc) of a kiln.mode=crash boot returns what is
        wrong with its report (empty: right). A mutant whose tests pass is still killed when
        a scenario's report goes wrong. machines: the scripts/qemu-run.py options of each
        machine the tests run on (code a CPU feature selects runs only where the CPU has
        it, or has not): a mutant is killed when the tests fail on any of them."""
        self.crashes = crashes or {}
        self.machines = [list(m) for m in machines]
        self.build_dir = Path(build_dir)
        self.arch = arch
        self.file = file
        self.selection = selection
        self.workdir = Path(workdir)
        self.workers = workers
        self.timeout = timeout
        if file:
            self.original = self.source_root(self.build_dir).joinpath(file).read_text()
            self.obj = "obj/%s.o" % Path(file).with_suffix("")

    def source_root(self, d):
        """Where file lies for the build directory d: the build directory itself (a generated
        file)."""
        return d

    def _boot(self, d):
        """The first failing boot of the selection over the machines, else the last one."""
        for machine in self.machines:
            proc = kh.qemu_run(self.arch, d / "kernel.elf", "test",
                               append=["kiln.test=" + self.selection],
                               extra=machine + ["--timeout", str(self.timeout)],
                               timeout=self.timeout + 30)
            if proc.returncode != 0:
                break
        return proc

    def _copies(self):
        """One up-to-date copy of the build directory per worker."""
        dirs = []
        for i in range(self.workers):
            d = self.workdir / ("worker%d" % i)
            shutil.copytree(self.build_dir, d, symlinks=True)
            proc = kh.ninja(d)
            assert proc.returncode == 0 and not _rebuilt(proc.stdout), (
                "copy of the build directory is not up to date:\n" + kh.describe(proc))
            dirs.append(d)
        return dirs

    def _crash_problem(self, d):
        """The first crash scenario whose report is wrong, with what is wrong; or None."""
        for name, check in sorted(self.crashes.items()):
            proc = kh.qemu_run(self.arch, d / "kernel.elf", "crash",
                               append=["kiln.crash=" + name],
                               extra=["--timeout", str(self.timeout)], timeout=self.timeout + 30)
            problems = check(proc)
            if problems:
                return "crash %s: %s" % (name, "; ".join(problems))
        return None

    def baseline(self, d):
        """The unmutated kernel must pass the selection and report every crash right, else
        every mutant is 'killed'."""
        proc = self._boot(d)
        ktap = kh.Ktap(proc.stdout)
        assert proc.returncode == 0 and ktap.results, (
            "the selected tests (%s) do not pass unmutated:\n%s"
            % (self.selection, kh.describe(proc)))
        problem = self._crash_problem(d)
        assert problem is None, "unmutated: %s" % problem
        return ktap.names

    def _run_one(self, d, m):
        start = time.monotonic()
        target = self.source_root(d) / self.file
        target.write_text(m.apply(self.original))
        proc = kh.ninja(d)
        assert proc.returncode == 0, "mutant %s does not build:\n%s" % (m, kh.describe(proc))
        rebuilt = _rebuilt(proc.stdout)
        assert rebuilt == {self.obj, "kernel.elf"}, (
            "mutant %s rebuilt %s, not just %s and the link" % (m, sorted(rebuilt), self.obj))
        boot = self._boot(d)
        if boot.returncode != 0:
            return Result(m, True, time.monotonic() - start, _verdict(boot))
        problem = self._crash_problem(d)
        return Result(m, problem is not None, time.monotonic() - start,
                      problem or _verdict(boot))

    def run(self, mutant_list):
        """Results in mutant order; the baseline is checked first on every copy."""
        dirs = self._copies()
        self.tests = self.baseline(dirs[0])
        free = queue.Queue()
        for d in dirs:
            free.put(d)

        def task(m):
            d = free.get()
            try:
                return self._run_one(d, m)
            finally:
                free.put(d)

        with concurrent.futures.ThreadPoolExecutor(max_workers=self.workers) as pool:
            return list(pool.map(task, mutant_list))


class SourceMutationRunner(MutationRunner):
    """Runs mutants of source files of the tree (a variant's C files, the arch code they
    call): each worker builds the configuration of `build` (a conftest Build) from its own
    copy of the tree, and each mutant is written there, the file put back after its boot; the
    tree itself is never touched. `file`: the file of every mutant, or None when each names
    its own."""

    def __init__(self, build, file, selection, workdir, workers=1, timeout=20, machines=((),)):
        self.build = build
        super().__init__(build.path, build.arch, file, selection, workdir, workers, timeout,
                         machines=machines)

    def source_root(self, d):
        return kh.ROOT if d == self.build_dir else d.parent / "tree"

    def _copies(self):
        dirs = []
        for i in range(self.workers):
            base = self.workdir / ("worker%d" % i)
            tree = kh.copy_tree(base / "tree")
            d = base / "build"
            proc = kh.configure_build_dir(d, self.build.profile, self.arch, self.build.sets,
                                          root=tree)
            assert proc.returncode == 0, kh.describe(proc)
            proc = kh.ninja(d)
            assert proc.returncode == 0, "copy of the tree does not build:\n" + kh.describe(proc)
            dirs.append(d)
        return dirs

    def _run_one(self, d, m):
        start = time.monotonic()
        target = self.source_root(d) / m.file
        original = target.read_text()
        target.write_text(m.apply(original))
        try:
            proc = kh.ninja(d)
            assert proc.returncode == 0, "mutant %s does not build:\n%s" % (m, kh.describe(proc))
            obj = "obj/%s.o" % Path(m.file).with_suffix("")
            rebuilt = _rebuilt(proc.stdout)
            assert obj in rebuilt and all(r == "kernel.elf" or r.endswith(".o")
                                          for r in rebuilt), (
                "mutant %s rebuilt %s, not %s and the link" % (m, sorted(rebuilt), obj))
            boot = self._boot(d)
        finally:
            target.write_text(original)
        return Result(m, boot.returncode != 0, time.monotonic() - start, _verdict(boot))


def summary(label, total, killed, seconds=None):
    """One line for the closing note: counts and kill rate."""
    rate = 100.0 * killed / total if total else 0.0
    line = "mutation: %s: %d mutants, %d killed, %d survived (%.1f %% killed)" % (
        label, total, killed, total - killed, rate)
    return line + (" in %.0f s" % seconds if seconds is not None else "")


def record(label, results, seconds):
    """Summarise one run, keep it for the end of the session, return the line."""
    killed = sum(r.killed for r in results)
    line = summary(label, len(results), killed, seconds)
    SUMMARIES.append((line, len(results), killed))
    return line


def check(label, runner, results, start):
    """Record the run begun at start (time.monotonic()), print its line, and fail naming each
    survivor with how its boot ended."""
    line = record(label, results, time.monotonic() - start)
    print(line)
    survivors = ["%s: %s" % (r.mutant, r.why) for r in results if not r.killed]
    assert not survivors, "%s\nno selected test (%s) fails without:\n  %s" % (
        line, ", ".join(runner.tests), "\n  ".join(survivors))


def session_lines():
    """The lines conftest.py prints: every run, then the total."""
    lines = [s[0] for s in SUMMARIES]
    if len(SUMMARIES) > 1:
        lines.append(summary("total", sum(s[1] for s in SUMMARIES),
                             sum(s[2] for s in SUMMARIES)))
    return lines
