"""configure.py bench: configure, build and boot profiles in bench mode, then print one table
and write DIR/bench.json and DIR/bench.svg.

Each boot is scripts/qemu-run.py --mode bench --no-boot-cost, the command `ninja bench` runs:
the kernel's kbench lines under -icount shift=0 (guest instructions), then TCG nanoseconds.
--smp boots each build once per CPU count (a column each), --bench selects benchmarks.
"""

import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time

from . import elf
from .errors import ConfigError
from .toolchain import platform_facts
from .tree import ROOT, arch_platform, arches, profiles

# Table rows: (label, kbench names that fill it). Kiln's names and the Linux peer's share a
# row; a name no row lists still gets a row of its own, after these.
ROWS = (
    ("null syscall", ("null_syscall", "syscall_getppid")),
    ("user exception round trip", ("user_exception_roundtrip",)),
    ("IRQ entry (self-IRQ round trip)", ("irq_self_roundtrip",)),
    ("IRQ from user mode (timer tick, handler included)", ("user_irq_roundtrip",)),
    ("voluntary switch", ("ctx_switch_yield",)),
    ("preemptive switch (tick to next thread)", ("preempt_switch_latency",)),
    ("process switch (pipe)", ("pipe_pingpong",)),
    ("domain switch (two processes yielding)", ("domain_switch",)),
    ("switch within a domain (two of its threads yielding)", ("same_domain_switch",)),
    ("this_cpu()", ("this_cpu",)),
    ("IPI function call round trip (CPU 0 to CPU 1)", ("ipi_call_roundtrip",)),
    ("spinlock acquire + release, uncontended", ("spinlock_uncontended",)),
    ("spinlock acquire + release, every other CPU contending", ("spinlock_contended",)),
    ("16 CPU-bound threads, until all finish", ("smp_scaling_16_threads",)),
    ("boot to ready", ("boot_to_ready", "boot_to_init")),
    ("page-table memory", ("page_table_memory",)),
    ("page-table memory with 1 more domain", ("page_table_memory_1_domain",)),
    ("page-table memory with 8 more domains", ("page_table_memory_8_domains",)),
    ("page-table memory with 64 more domains", ("page_table_memory_64_domains",)),
    ("kernel memory per thread", ("thread_kernel_memory",)),
    ("kernel memory per user thread", ("user_thread_kernel_memory",)),
    ("image text", ("image_text",)),
    ("image data", ("image_data",)),
    ("image bss", ("image_bss",)),
)
UNITS = ("insn", "bytes", "ns")  # the order a cell shows them in
ABSENT = "\u2014"
# With more than one guest CPU, -icount makes QEMU run them one at a time and the cycle
# counter is virtual time: these figures then can count other CPUs' instructions too (their
# side of a cross-CPU operation, their tick work inside a tick-driven interval, their start).
# Their insn cells in such a column carry ALL_CPUS_MARK.
ALL_CPUS_INSN = ("ipi_call_roundtrip", "spinlock_contended", "smp_scaling_16_threads",
                 "preempt_switch_latency", "user_irq_roundtrip", "boot_to_ready")
ALL_CPUS_MARK = "\u2020"
# The workload whose time against CPU count the footer turns into speed-ups (--smp sweeps).
SCALING = "smp_scaling_16_threads"
SMP_RANGE = (1, 64)  # CONFIG_QEMU_SMP's range
KBENCH_LINE = re.compile(r"^kbench: name=(\S+) batches=(\d+) ops=(\d+) min=([\d.]+) "
                         r"median=([\d.]+) unit=(\w+)\s*$")
BOOT_TIMEOUT = 300  # seconds per boot; the kernel's own CONFIG_QEMU_TIMEOUT_SECONDS is 120


def add_arguments(p):
    p.add_argument("--profiles", help="comma-separated (default: every profile); "
                                      "PROFILE+SYM=VAL[+SYM=VAL...] is that profile with "
                                      "those --set overrides, a column of its own")
    p.add_argument("--arch", default="all", help="%s or all (default)" % " or ".join(arches()))
    accel = p.add_mutually_exclusive_group()
    accel.add_argument("--kvm", action="store_true", help="boot under KVM")
    accel.add_argument("--tcg", action="store_true", help="boot under TCG (the default)")
    p.add_argument("--peer", action="append", default=[], metavar="NAME",
                   help="also run a reference kernel (linux) the same way")
    p.add_argument("--smp", metavar="N,N,...",
                   help="boot each build once per guest CPU count, a column each (default: "
                        "the profile's CONFIG_QEMU_SMP, one column)")
    p.add_argument("--bench", metavar="FILTER",
                   help="only these benchmarks: kiln.bench= (names or prefix*, comma-separated)")
    p.add_argument("--timeout", type=int, default=BOOT_TIMEOUT,
                   help="seconds per boot before QEMU is killed (default %d)" % BOOT_TIMEOUT)
    p.add_argument("-o", "--output", default=os.path.join(ROOT, "build", "bench"),
                   help="directory of the builds and results (default build/bench)")


# ---------------------------------------------------------------------------
# Parsing what a boot printed

def parse_kbench(lines):
    """{name: {unit: (min, median, batches)}} of the kbench result lines; the first line of
    a (name, unit) counts, malformed or cut-off lines do not."""
    out = {}
    for line in lines:
        m = KBENCH_LINE.match(line.rstrip("\r"))
        if m:
            out.setdefault(m[1], {}).setdefault(m[6], (float(m[4]), float(m[5]), int(m[2])))
    return out


def boot_facts(lines):
    """What the runner said about each boot: accelerators, -cpu models, QEMU binaries, guest
    CPU counts (-smp; 1 without it)."""
    accels, cpus, binaries, smps = [], [], [], []
    for line in lines:
        if line.startswith("kiln: accelerator: "):
            accels.append(line.split(": ", 2)[2])
        elif line.startswith("kiln: ") and " -cpu " in line:
            words = line[len("kiln: "):].split()
            binaries.append(words[0])
            cpus.append(words[words.index("-cpu") + 1])
            smps.append(int(words[words.index("-smp") + 1]) if "-smp" in words else 1)
    return {"accelerators": dedup(accels), "cpus": dedup(cpus), "qemu": dedup(binaries),
            "smp": dedup(smps)}


def dedup(items):
    return list(dict.fromkeys(items))


def column_from_log(name, lines, expected_boots=2):
    """One table column from a recorded bench run; status says if the log is incomplete."""
    col = {"column": name, "status": "ok", "figures": parse_kbench(lines), **boot_facts(lines)}
    done = sum(1 for ln in lines if ln.startswith("kbench: done"))
    timeout = [ln for ln in lines if ln.startswith("kiln: timeout")]
    if timeout:
        col["status"] = "timeout: " + timeout[0][len("kiln: timeout: "):]
    elif done < expected_boots:
        col["status"] = "incomplete: %d of %d bench boots finished" % (done, expected_boots)
    return col


def image_sizes(elf_path):
    """text, data, bss bytes of an image, counted like size(1): read-only sections (code and
    rodata) are text, writable ones with contents data, without contents bss."""
    c = elf.size_classes(elf_path)
    sizes = {"image_text": c["text"] + c["rodata"], "image_data": c["data"], "image_bss": c["bss"]}
    return {k: {"bytes": (float(v), float(v), 1)} for k, v in sizes.items()}


# ---------------------------------------------------------------------------
# The table

def rows_for(columns):
    """[(label, names)]: ROWS, then one row per name no row lists, in order of appearance."""
    known = {n for _, names in ROWS for n in names}
    extra = dedup(n for c in columns for n in c["figures"] if n not in known)
    return list(ROWS) + [(n, (n,)) for n in extra]


def fmt_number(v):
    if v >= 1e6:
        return "%.2f M" % (v / 1e6)
    if v >= 1e3:
        return "{:,.0f}".format(v)
    return ("%.2f" % v).rstrip("0").rstrip(".")


def fmt_value(v, unit):
    if unit == "bytes":
        return "%d B" % v if v < 1024 else "%s KiB" % ("%.1f" % (v / 1024)).rstrip("0").rstrip(".")
    return "%s %s" % (fmt_number(v), unit)


def several_cpus(col):
    return max(col.get("smp") or [1]) > 1


def cell(col, names):
    """'min / median unit' per unit the figure has (one value when they are equal); an insn
    figure that counts other CPUs' instructions too carries ALL_CPUS_MARK."""
    for n in names:
        fig = col["figures"].get(n)
        if fig:
            parts = []
            for unit in sorted(fig, key=lambda u: UNITS.index(u) if u in UNITS else len(UNITS)):
                lo, med, _ = fig[unit]
                parts.append(fmt_value(lo, unit) if lo == med else "%s / %s" % (
                    fmt_number(lo) if unit != "bytes" else fmt_value(lo, unit),
                    fmt_value(med, unit)))
                if unit == "insn" and n in ALL_CPUS_INSN and several_cpus(col):
                    parts[-1] += ALL_CPUS_MARK
            return "; ".join(parts)
    return ABSENT


def render_table(data):
    cols = data["columns"]
    head = ["metric"] + [c["column"] for c in cols]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, names in rows_for(cols):
        lines.append("| " + " | ".join([label] + [cell(c, names) for c in cols]) + " |")
    lines.append("")
    lines += footer(data)
    return "\n".join(lines)


def footer(data):
    cols = data["columns"]
    out = ["Cells: min / median per operation (one figure when they are equal); insn = guest "
           "instructions under -icount shift=0, ns = TCG nanoseconds (host time, noisy); %s = "
           "no such figure." % ABSENT]
    accels = dedup(a for c in cols for a in c.get("accelerators", []))
    out.append("Accelerator: %s." % ("; ".join(accels) or "unknown (no boot finished)"))
    qemus = data.get("qemu_versions", {})
    out.append("QEMU: %s." % ("; ".join("%s %s" % kv for kv in sorted(qemus.items())) or "unknown"))
    cpus = ["%s: -cpu %s" % (c["column"], "/".join(c["cpus"])) for c in cols if c.get("cpus")]
    out.append("CPU models: %s." % ("; ".join(cpus) or "unknown"))
    batches = sorted({b for c in cols for f in c["figures"].values() for _, _, b in f.values() if b})
    out.append("Statistics, the same for every column: per benchmark one warm-up batch, then "
               "%s batches, min and median of the per-operation figure over them (batches=1: a "
               "one-off figure such as boot to ready)." % " or ".join(str(b) for b in batches))
    if any(several_cpus(c) and set(c["figures"]) & set(ALL_CPUS_INSN) for c in cols):
        out.append("%s: the guest had several CPUs (-smp %s); under -icount QEMU runs them one "
                   "at a time and the cycle counter is virtual time, so this instruction count "
                   "can include other CPUs' instructions (their side of the operation, their "
                   "timer ticks, their start-up): read its ns." % (ALL_CPUS_MARK, "/".join(
                       str(n) for n in dedup(max(c["smp"]) for c in cols if several_cpus(c)))))
    out += speedups(cols)
    bad = ["%s: %s" % (c["column"], c["status"]) for c in cols if c["status"] != "ok"]
    out += ["Not complete: " + b for b in bad]
    out += ["Note: " + n for n in data.get("notes", [])]
    return out


def speedups(cols):
    """A line per build booted with several CPU counts, -smp 1 among them: the SCALING
    workload's median ns at -smp 1 over its median ns at each count."""
    out = []
    groups = {}
    for c in cols:
        ns = c["figures"].get(SCALING, {}).get("ns")
        if ns and not c.get("peer") and len(c.get("smp") or []) == 1:
            groups.setdefault((c.get("profile"), c.get("arch")), []).append((c["smp"][0], c, ns[1]))
    for runs in groups.values():
        base = [med for n, _, med in runs if n == 1]
        if base and len(runs) > 1:
            out.append("Speed-up of %s (median ns at -smp 1 / at -smp N): %s." % (
                SCALING, ", ".join("%s %.2fx" % (c["column"], base[0] / med)
                                   for n, c, med in sorted(runs, key=lambda r: r[0]) if n > 1)))
    return out


# ---------------------------------------------------------------------------
# The chart

def primary(fig):
    """(unit, min, median) a chart shows for a figure: instructions or bytes before ns."""
    for unit in UNITS:
        if unit in fig:
            return (unit,) + fig[unit][:2]
    unit = next(iter(fig))
    return (unit,) + fig[unit][:2]


def write_chart(data, path):
    """One panel per metric with data: Kiln's columns as bars (median; the tick is the min),
    the peer's figures as dashed reference lines. False when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: small, searchable
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    cols = data["columns"]
    kiln = [c for c in cols if not c.get("peer")]
    peers = [c for c in cols if c.get("peer")]
    panels = []
    for label, names in rows_for(cols):
        bars = [(c, next((c["figures"][n] for n in names if n in c["figures"]), None))
                for c in kiln]
        refs = [(c, next((c["figures"][n] for n in names if n in c["figures"]), None))
                for c in peers]
        if any(f for _, f in bars + refs):
            panels.append((label, bars, refs))
    if not panels:
        return False
    ncols = 3
    nrows = (len(panels) + ncols - 1) // ncols
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 3.6 * nrows), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    arch_list = dedup(c.get("arch", "") for c in kiln)
    for ax, (label, bars, refs) in zip(axes.flat, panels):
        unit = next(primary(f)[0] for _, f in bars + refs if f)
        top = max(primary(f)[2] for _, f in bars + refs if f and primary(f)[0] == unit)
        scale, shown = ((1024, "KiB") if unit == "bytes" else (1e6, "M " + unit) if top >= 1e5
                        else (1, unit))
        xs = range(len(bars))
        for x, (c, f) in zip(xs, bars):
            if not f or primary(f)[0] != unit:
                ax.text(x, 0, ABSENT, ha="center", va="bottom", color="grey")
                continue
            _, lo, med = primary(f)
            drawn = ax.bar(x, med / scale,
                           color=colors[arch_list.index(c.get("arch", "")) % len(colors)])
            ax.bar_label(drawn, labels=[fmt_number(med / scale)], fontsize=7)
            ax.plot([x - 0.3, x + 0.3], [lo / scale] * 2, color="black", linewidth=1)
        for i, (c, f) in enumerate(refs):
            if f and primary(f)[0] == unit:
                ax.axhline(primary(f)[2] / scale, linestyle="--", linewidth=1.2,
                           color=colors[(i + 3) % len(colors)], label=c["column"])
        if any(f and primary(f)[0] == unit for _, f in refs):
            ax.legend(fontsize=7, loc="best")
        ax.set_title(label, fontsize=10)
        ax.set_ylabel(shown)
        ax.set_xticks(list(xs))
        ax.set_xticklabels([c["column"].replace(" ", "\n") for c, _ in bars], fontsize=8)
        # A reference 50x above the smallest bar would flatten every bar: log scale then.
        drawn_values = [primary(f)[2] for _, f in bars + refs if f and primary(f)[0] == unit]
        if min(drawn_values) > 0 and max(drawn_values) > 50 * min(drawn_values):
            ax.set_yscale("log")
            ax.set_ylabel(shown + " (log)")
        else:
            ax.set_ylim(bottom=0)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    fig.suptitle("Kiln benchmarks: %s (bars: median, black tick: min)"
                 % "; ".join(dedup(a for c in cols for a in c.get("accelerators", [])[:1]))
                 or "", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(path)
    plt.close(fig)
    return True


# ---------------------------------------------------------------------------
# Running it

class Progress:
    def __init__(self, stream=sys.stderr):
        self.start = time.monotonic()
        self.stream = stream

    def __call__(self, msg):
        print("bench [%6.1fs] %s" % (time.monotonic() - self.start, msg), file=self.stream,
              flush=True)


def check_qemu(arch):
    qemu = platform_facts(arch_platform(arch))["qemu"]
    if shutil.which(qemu["binary"]) is None:
        raise ConfigError("bench: %s not found: install the Debian package %s"
                          % (qemu["binary"], qemu["package"]))
    return qemu["binary"]


def qemu_version(binary):
    try:
        out = subprocess.run([binary, "--version"], stdout=subprocess.PIPE, text=True,
                             stderr=subprocess.DEVNULL, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    m = re.search(r"version (\S+)", out)
    return m[1] if m else "unknown"


def step(cmd, cwd=None, timeout=None):
    """(exit status, combined output); 124 when the step ran out of time."""
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, text=True, errors="replace", timeout=timeout)
        return p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
        return 124, (out or "") + "\nkiln: timeout: the bench step ran out of time\n"


def last_line(text):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "no output"


def run_kiln(spec, arch, opts, progress):
    """Configure, build and boot one profile (spec: PROFILE[+SYM=VAL...]), once per --smp
    value; its columns, whatever went wrong (one column when it did not build)."""
    profile, *sets = spec.split("+")
    name = "%s %s" % (spec, arch)
    builddir = os.path.join(opts.output, "%s-%s" % (re.sub(r"[^\w.-]", "_", spec), arch))
    col = {"column": name, "profile": profile, "arch": arch, "status": "ok", "figures": {}}
    progress("%s: configure" % name)
    overrides = [a for s in sets for a in ("--set", s if s.startswith("CONFIG_") else
                                           "CONFIG_" + s)]
    status, out = step([sys.executable, os.path.join(ROOT, "configure.py"), "--profile",
                        profile, "--arch", arch, "-o", builddir] + overrides +
                       (["--kvm"] if opts.kvm else []))
    if status:
        col["status"] = "configure failed: " + last_line(out)
        return [col]
    progress("%s: build" % name)
    status, out = step(["ninja", "-C", builddir, "kernel.elf"])
    if status:
        col["status"] = "build failed: " + last_line(out)
        return [col]
    _, cmdline = step(["ninja", "-C", builddir, "-t", "commands", "bench"])
    cmd = shlex.split(cmdline.strip().splitlines()[-1])
    cmd += ["--no-boot-cost", "--timeout", str(opts.timeout)]
    if opts.bench:
        cmd += ["--append", "kiln.bench=" + opts.bench]
    return [boot_column(dict(col), builddir, cmd, smp, opts, progress)
            for smp in opts.smp or [None]]


def boot_column(col, builddir, cmd, smp, opts, progress):
    """col filled from one bench boot of cmd (with -smp smp unless None)."""
    if smp is not None:
        col["column"] += " -smp %d" % smp
        cmd = cmd + ["--smp", str(smp)]  # after the build's own: the runner takes the last
    name, profile, arch = col["column"], col["profile"], col["arch"]
    progress("%s: boot (bench mode: -icount shift=0, then TCG ns)" % name)
    status, out = step(cmd, cwd=builddir, timeout=2 * opts.timeout + 60)
    logname = "bench.log" if smp is None else "bench-smp%d.log" % smp
    with open(os.path.join(builddir, logname), "w", encoding="utf-8") as f:
        f.write(out)
    col.update(column_from_log(name, out.splitlines()))
    col.update(profile=profile, arch=arch)
    if status and not col["status"].startswith("timeout"):
        panics = [ln for ln in out.splitlines() if ln.startswith("KERNEL PANIC: ")]
        col["status"] = "boot failed: " + (panics[0] if panics else last_line(out))
    col["figures"].update(image_sizes(os.path.join(builddir, "kernel.elf")))
    progress("%s: done (%s)" % (name, col["status"]))
    return col


def run_peers(names, arch, opts, progress, notes):
    """The peer's columns for arch; a peer that cannot run is a note, not a failure."""
    cols = []
    for peer_name in names:
        try:
            from . import peer
            got = peer.run_peer(peer_name, arch, "kvm" if opts.kvm else "tcg",
                                os.path.join(opts.output, "peer-%s-%s" % (peer_name, arch)),
                                progress)
        except (ImportError, AttributeError, ConfigError) as e:
            msg = "peer %s: not available: %s" % (peer_name, e)
            progress(msg)
            if msg not in notes:
                notes.append(msg)
            continue
        for c in got:
            figures = {}
            for kname, lo, med, unit in c["rows"]:
                figures.setdefault(kname, {})[unit] = (float(lo), float(med), 0)
            cols.append({"column": c["column"] if arch in c["column"] else
                         "%s %s" % (c["column"], arch), "arch": arch, "peer": peer_name,
                         "status": "ok", "figures": figures,
                         "cpus": [platform_facts(arch_platform(arch))["qemu"]["cpu"]]})
    return cols


def selection(opts):
    known = profiles()
    chosen = opts.profiles.split(",") if opts.profiles else known
    for p in chosen:
        name, *sets = p.split("+")
        if name not in known:
            raise ConfigError("bench: unknown profile %r (profiles: %s)" % (name, ", ".join(known)))
        for s in sets:
            if not re.fullmatch(r"(CONFIG_)?[A-Z0-9_]+=\S+", s):
                raise ConfigError("bench: %r: an override is SYM=VALUE, not %r" % (p, s))
    if opts.arch == "all":
        archs = arches()
    elif opts.arch in arches():
        archs = [opts.arch]
    else:
        raise ConfigError("bench: unknown arch %r (%s or all)" % (opts.arch,
                                                                   " or ".join(arches())))
    for peer_name in opts.peer:
        if peer_name != "linux":
            raise ConfigError("bench: unknown peer %r (linux)" % peer_name)
    if opts.smp is not None:
        opts.smp = cpu_counts(opts.smp)
    return chosen, archs


def cpu_counts(text):
    """[N, ...] of --smp, each within CONFIG_QEMU_SMP's range."""
    try:
        counts = [int(w) for w in text.split(",")]
    except ValueError:
        counts = []
    if not counts or any(not SMP_RANGE[0] <= n <= SMP_RANGE[1] for n in counts):
        raise ConfigError("bench: --smp takes guest CPU counts %d..%d, comma-separated, not %r"
                          % (SMP_RANGE + (text,)))
    return dedup(counts)


def to_json(data):
    """JSON-ready copy: figure tuples become {min, median, batches}."""
    out = dict(data, columns=[])
    for c in data["columns"]:
        figs = {n: {u: {"min": v[0], "median": v[1], "batches": v[2]} for u, v in f.items()}
                for n, f in c["figures"].items()}
        out["columns"].append(dict(c, figures=figs))
    return out


def from_json(obj):
    cols = [dict(c, figures={n: {u: (v["min"], v["median"], v["batches"]) for u, v in f.items()}
                             for n, f in c["figures"].items()}) for c in obj["columns"]]
    return dict(obj, columns=cols)


def write_results(data, outdir):
    with open(os.path.join(outdir, "bench.json"), "w", encoding="utf-8") as f:
        json.dump(to_json(data), f, indent=1)
        f.write("\n")
    return write_chart(data, os.path.join(outdir, "bench.svg"))


def run(opts):
    chosen, archs = selection(opts)
    binaries = {arch: check_qemu(arch) for arch in archs}
    opts.output = os.path.abspath(opts.output)
    os.makedirs(opts.output, exist_ok=True)
    progress = Progress()
    data = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "qemu_versions": {b: qemu_version(b) for b in dedup(binaries.values())},
            "columns": [], "notes": []}
    for arch in archs:
        for profile in chosen:
            data["columns"] += run_kiln(profile, arch, opts, progress)
        data["columns"] += run_peers(opts.peer, arch, opts, progress, data["notes"])
    charted = write_results(data, opts.output)
    print(render_table(data))
    print("Results: %s%s" % (os.path.join(opts.output, "bench.json"),
                             ", " + os.path.join(opts.output, "bench.svg") if charted else
                             " (no chart: install the Debian package python3-matplotlib)"))
    progress("all done")
    return 0 if all(c["status"] == "ok" for c in data["columns"]) else 1
