#!/usr/bin/env python3
"""Boot a Kiln kernel in QEMU and turn the guest's verdict into an exit status.

Modes: run (banner + default workload), test (KTAP self-tests), bench
(benchmarks under -icount shift=0 in guest instructions, then again in TCG
nanoseconds, plus the boot-to-tests-done cost), crash (a crash scenario, see
kiln/kcrash.h), gdb (QEMU waits for a debugger). What QEMU runs and how it reports
the verdict is the platform's: platforms/<platform>/platform.toml. Standard library
only (Python 3.11 or later, for tomllib).
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_platform(name):
    """platforms/<name>/platform.toml: how QEMU runs that platform and reports the verdict."""
    path = os.path.join(ROOT, "platforms", name, "platform.toml")
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        sys.exit("kiln: cannot read the platform description %s: %s" % (path, e))


def check_append(qemu, append):
    """Refuse a command line the boot route would corrupt, instead of booting a broken guest."""
    limit = qemu.get("append_max")
    size = len(append.encode())
    if limit is not None and size > limit:
        sys.exit("kiln: the kernel command line is %d bytes; this platform's boot hands over at "
                 "most %d intact (%s): not booting" % (size, limit, qemu["append_max_why"]))


def qemu_command(args, append, icount=False, gdb=False):
    qemu = args.platform["qemu"]
    check_append(qemu, append)
    cmd = [qemu["binary"], "-m", str(args.memory), "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot", "-kernel", args.kernel, "-append", append]
    cmd += ["-M", ",".join([qemu["machine"]] + args.machine_opt)]
    cmd += ["-cpu", qemu["kvm_cpu"] if args.kvm else args.cpu or qemu["cpu"]]
    cmd += qemu.get("args", [])
    if args.dtb:
        cmd += ["-dtb", args.dtb]
    if args.smp:
        cmd += ["-smp", str(args.smp)]
    if args.kvm:
        cmd += ["-enable-kvm"]
    else:
        cmd += ["-accel", "tcg" + (",thread=single" if args.tcg_threads == "single" else "")]
    if icount:
        cmd += ["-icount", "shift=0"]
    if gdb:
        cmd += ["-s", "-S"]
    cmd += args.qemu_arg or []
    return cmd


def accel_description(args, icount=False):
    if args.kvm:
        return "KVM (hardware virtualization)"
    how = [", -icount shift=0"] if icount else []
    if args.tcg_threads == "single":
        how.append(", one host thread for all CPUs")
    return "TCG (software emulation%s)" % "".join(how)


def verdict(platform, status):
    """(exit status for the caller, explanation) from QEMU's exit status."""
    exit = platform["exit"]
    if status == exit["pass"]:
        return 0, "kernel reported PASS"
    if status == exit["fail"]:
        return 1, "kernel reported FAIL"
    known = exit.get("known", {}).get(str(status))
    return 1, known or "QEMU exited with unexpected status %d" % status


def boot(args, append, icount=False, echo=True):
    """Run QEMU once; returns (exit status, captured output)."""
    cmd = qemu_command(args, append, icount)
    print("kiln: accelerator: %s" % accel_description(args, icount), flush=True)
    print("kiln: %s" % " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    out = []
    deadline = time.monotonic() + args.timeout
    fd = proc.stdout.fileno()
    pending = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            proc.wait()
            print("kiln: timeout: killed QEMU after %d s (raise CONFIG_QEMU_TIMEOUT_SECONDS "
                  "if the kernel is just slow)" % args.timeout, flush=True)
            return 124, out
        if not select.select([fd], [], [], min(left, 0.5))[0]:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for raw in lines:
            line = raw.decode(errors="replace").rstrip("\r")
            out.append(line)
            if echo:
                print(line, flush=True)
    proc.wait()
    if pending:
        out.append(pending.decode(errors="replace").rstrip("\r"))
        if echo:
            print(out[-1], flush=True)
    status, why = verdict(args.platform, proc.returncode)
    print("kiln: %s" % why, flush=True)
    return status, out


def cmdline(mode, extra):
    return " ".join(["kiln.mode=" + mode] + (extra or []))


def run_bench(args):
    if args.no_boot_cost:
        return bench_boots(args)[0]
    status, out = boot(args, cmdline("test", args.append), icount=True, echo=False)
    boot_cost = [l for l in out if "boot-to-tests-done" in l]
    if status != 0 or not boot_cost:
        print("\n".join(out))
        return status or 1
    cycles = int(re.search(r"boot-to-tests-done \d+ cycles, (\d+) insn", boot_cost[0]).group(1))
    status, results = bench_boots(args)
    if status != 0:
        return status
    print("kbench: name=boot_to_tests_done batches=1 ops=1 min=%d median=%d unit=insn"
          % (cycles, cycles))
    print("kiln: benchmark summary (%s, profile %s, platform %s)" % (
        accel_description(args), args.profile, args.platform_name))
    for line in results:
        print("  " + line)
    return 0


def bench_boots(args):
    """Bench mode under -icount shift=0 (guest instructions), then TCG nanoseconds; returns
    (status of the first boot that failed, or 0; the kbench result lines)."""
    results = []
    for icount in (True, False):
        unit = "insn" if icount else "ns"
        status, out = boot(args, cmdline("bench", args.append + ["kiln.bench_unit=" + unit]),
                           icount=icount)
        results += [l for l in out if l.startswith("kbench: name=")]
        if status != 0:
            return status, results
    return 0, results


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--platform", required=True, help="platforms/<PLATFORM>/platform.toml")
    p.add_argument("--kernel", required=True)
    p.add_argument("--mode", required=True, choices=["run", "test", "bench", "crash", "gdb"])
    p.add_argument("--profile", default="?")
    p.add_argument("--memory", type=int, default=256)
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--kvm", action="store_true")
    p.add_argument("--cpu", help="QEMU -cpu model")
    p.add_argument("--machine-opt", action="append", default=[], metavar="NAME=VALUE",
                   help="option of the platform's -M machine (e.g. gic-version=3)")
    p.add_argument("--dtb", help="boot with this device tree instead of QEMU's")
    p.add_argument("--smp", type=int)
    p.add_argument("--tcg-threads", choices=["multi", "single"], default="multi",
                   help="TCG: one host thread per guest CPU (multi, QEMU's default) or one "
                        "thread running the CPUs in turn (single: a CPU that spins on pause/yield "
                        "hands over at once, so many more guest CPUs than host cores stay usable)")
    p.add_argument("--append", action="append", default=[], help="extra kernel command-line word")
    p.add_argument("--qemu-arg", action="append", help="extra QEMU argument")
    p.add_argument("--no-boot-cost", action="store_true",
                   help="bench: skip the boot that times boot plus self-tests")
    args = p.parse_args()
    args.platform_name, args.platform = args.platform, load_platform(args.platform)

    qemu = args.platform["qemu"]
    if shutil.which(qemu["binary"]) is None:
        sys.exit("kiln: %s not found: install the Debian package %s" % (qemu["binary"],
                                                                       qemu["package"]))
    if args.kvm and not os.access("/dev/kvm", os.R_OK | os.W_OK):
        sys.exit("kiln: --kvm needs a usable /dev/kvm; reconfigure without --kvm to use TCG")

    if args.mode == "bench":
        return run_bench(args)
    if args.mode == "gdb":
        cmd = qemu_command(args, cmdline("run", args.append), gdb=True)
        print("kiln: QEMU is waiting for a debugger; in another terminal run:\n"
              "  gdb-multiarch -q -ex 'target remote :1234' -ex 'break kernel_main' "
              "-ex continue %s" % os.path.abspath(args.kernel), flush=True)
        return subprocess.call(cmd)
    status, _ = boot(args, cmdline(args.mode, args.append))
    return status


if __name__ == "__main__":
    sys.exit(main())
