#!/usr/bin/env python3
"""Boot a Kiln kernel in QEMU and turn the guest's verdict into an exit status.

Modes: run (banner + default workload), test (KTAP self-tests), bench
(benchmarks under -icount shift=0 in guest instructions, then again in TCG
nanoseconds, plus the boot-to-tests-done cost), crash (a crash scenario, see
kiln/kcrash.h), gdb (QEMU waits for a debugger). Standard library only, so any
python3 can run it.
"""
import argparse
import os
import re
import select
import shutil
import subprocess
import sys
import time

QEMU = {"x86_64": ("qemu-system-x86_64", "qemu-system-x86"),
        "arm64": ("qemu-system-aarch64", "qemu-system-arm")}

# The longest command line (bytes, NUL not counted) each boot route hands over intact; arches
# not listed have no limit of their own. QEMU 7.2's PVH option ROM copies -append into a
# 4096-byte buffer without a bound: a longer line overwrites the ROM's start_info, which the
# kernel detects and reports, and from about 23,800 bytes on its stack, so that the guest
# hangs before the kernel runs (platforms/kvm-x86_64/pvh.c).
APPEND_MAX = {"x86_64": (4095, "QEMU's PVH option ROM overruns its 4096-byte buffer beyond that")}

# x86_64 isa-debug-exit: status = (value << 1) | 1; the kernel writes 0x10 (pass) or 0x01 (fail).
X86_PASS, X86_FAIL = 33, 3


def check_append(arch, append):
    """Refuse a command line the boot route would corrupt, instead of booting a broken guest."""
    limit, why = APPEND_MAX.get(arch, (None, None))
    size = len(append.encode())
    if limit is not None and size > limit:
        sys.exit("kiln: the kernel command line is %d bytes; the %s boot hands over at most %d "
                 "intact (%s): not booting" % (size, arch, limit, why))


def qemu_command(args, append, icount=False, gdb=False):
    check_append(args.arch, append)
    binary = QEMU[args.arch][0]
    cmd = [binary, "-m", str(args.memory), "-display", "none", "-monitor", "none",
           "-serial", "stdio", "-no-reboot", "-kernel", args.kernel, "-append", append]
    if args.arch == "x86_64":
        cmd += ["-M", "q35", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        cmd += ["-cpu", "max,-arch-capabilities" if args.kvm else args.cpu or "max"]
    else:
        machine = "virt" + (",gic-version=%s" % args.gic if args.gic else "")
        machine += ",virtualization=on" if args.el2 else ""
        cmd += ["-M", machine, "-cpu", args.cpu or "cortex-a72", "-semihosting"]
    if args.dtb:
        cmd += ["-dtb", args.dtb]
    if args.smp:
        cmd += ["-smp", str(args.smp)]
    cmd += ["-enable-kvm"] if args.kvm else ["-accel", "tcg"]
    if icount:
        cmd += ["-icount", "shift=0"]
    if gdb:
        cmd += ["-s", "-S"]
    cmd += args.qemu_arg or []
    return cmd


def accel_description(args, icount=False):
    if args.kvm:
        return "KVM (hardware virtualization)"
    return "TCG (software emulation%s)" % (", -icount shift=0" if icount else "")


def verdict(arch, status):
    """(exit status for the caller, explanation) from QEMU's exit status."""
    if arch == "x86_64":
        if status == X86_PASS:
            return 0, "kernel reported PASS"
        if status == X86_FAIL:
            return 1, "kernel reported FAIL"
        if status == 0:
            return 1, "QEMU exited with status 0 without a verdict (triple fault?)"
        return 1, "QEMU exited with unexpected status %d" % status
    if status == 0:
        return 0, "kernel reported PASS"
    if status == 1:
        return 1, "kernel reported FAIL"
    return 1, "QEMU exited with unexpected status %d" % status


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
    status, why = verdict(args.arch, proc.returncode)
    print("kiln: %s" % why, flush=True)
    return status, out


def cmdline(mode, extra):
    return " ".join(["kiln.mode=" + mode] + (extra or []))


def run_bench(args):
    status, out = boot(args, cmdline("test", args.append), icount=True, echo=False)
    boot_cost = [l for l in out if "boot-to-tests-done" in l]
    if status != 0 or not boot_cost:
        print("\n".join(out))
        return status or 1
    cycles = int(re.search(r"boot-to-tests-done \d+ cycles, (\d+) insn", boot_cost[0]).group(1))
    results = []
    for icount in (True, False):
        unit = "insn" if icount else "ns"
        status, out = boot(args, cmdline("bench", args.append + ["kiln.bench_unit=" + unit]),
                           icount=icount)
        if status != 0:
            return status
        results += [l for l in out if l.startswith("kbench: name=")]
    print("kbench: name=boot_to_tests_done batches=1 ops=1 min=%d median=%d unit=insn"
          % (cycles, cycles))
    print("kiln: benchmark summary (%s, profile %s, arch %s)" % (
        accel_description(args), args.profile, args.arch))
    for line in results:
        print("  " + line)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--arch", required=True, choices=sorted(QEMU))
    p.add_argument("--kernel", required=True)
    p.add_argument("--mode", required=True, choices=["run", "test", "bench", "crash", "gdb"])
    p.add_argument("--profile", default="?")
    p.add_argument("--memory", type=int, default=256)
    p.add_argument("--timeout", type=int, default=120)
    p.add_argument("--kvm", action="store_true")
    p.add_argument("--cpu", help="QEMU -cpu model")
    p.add_argument("--gic", choices=["2", "3"], help="arm64 GIC version")
    p.add_argument("--el2", action="store_true", help="arm64: enter the kernel at EL2")
    p.add_argument("--dtb", help="arm64: boot with this device tree instead of QEMU's")
    p.add_argument("--smp", type=int)
    p.add_argument("--append", action="append", default=[], help="extra kernel command-line word")
    p.add_argument("--qemu-arg", action="append", help="extra QEMU argument")
    args = p.parse_args()

    binary, package = QEMU[args.arch]
    if shutil.which(binary) is None:
        sys.exit("kiln: %s not found: install the Debian package %s" % (binary, package))
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
