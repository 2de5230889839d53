"""The command line of configure.py. Exit status: 0 done, 2 error; diff: 0 same, 1 differ;
bench: 1 when a profile failed to configure, build or boot (the others still ran)."""

import argparse
import os
import shutil
import sys
import traceback

import jinja2
import kconfiglib

from . import kconf as K
from .errors import ConfigError, check_text, printable, read_text, shown
from . import bench, objdiff, output
from .attribution import labelled_diff
from .output import STATE_DIR, check_builddir, write_tree
from .render import render_tree
from . import size
from .toolchain import check_tools, default_arch, toolchain
from .tree import ROOT, arches, components, profile_fragment, profiles, variant_symbol

COMMANDS = ("list", "diff", "menuconfig", "savedefconfig", "regenerate", "size", "bench")


def generate(kconf, profile, arch, builddir):
    kvm = kconf.syms["QEMU_ACCEL_KVM"].tri_value == 2
    write_tree(builddir, render_tree(kconf, profile, arch, kvm))


def output_dir(path):
    check_text(path, "-o " + path)
    builddir = os.path.abspath(path)
    check_builddir(builddir)
    return builddir


def cmd_configure(args):
    arch = args.arch
    builddir = output_dir(args.output or os.path.join(ROOT, "build", "%s-%s" % (args.profile,
                                                                                arch)))
    extra = environment_assignments()
    if args.kvm:
        extra.append(K.Assignment("QEMU_ACCEL_KVM", "y", "--kvm", "--kvm"))
    sets = [K.parse_set(s) for s in args.set or []]
    kconf = K.resolve(args.profile, arch, sets, extra)
    check_tools(arch, kconf.syms["PLATFORM_NAME"].str_value, kconf.syms["CROSS_COMPILE"].str_value)
    generate(kconf, args.profile, arch, builddir)
    variants = K.selected_variants(kconf)
    print("configured %s (profile %s, arch %s): %s" % (
        shown(builddir), args.profile, arch,
        " ".join("%s=%s" % cv for cv in sorted(variants.items()))))
    print("next: ninja -C %s [run|test|bench|size|gdb]" % shown(builddir))
    return 0


def environment_assignments():
    if os.environ.get("CROSS_COMPILE") is None:
        return []
    return [K.Assignment("CROSS_COMPILE", os.environ["CROSS_COMPILE"],
                         "CROSS_COMPILE (environment)", "environment")]


def cmd_size(args):
    def configure(profile, arch, builddir):
        kconf = K.resolve(profile, arch, [], environment_assignments())
        prefix = kconf.syms["CROSS_COMPILE"].str_value
        check_tools(arch, kconf.syms["PLATFORM_NAME"].str_value, prefix)
        generate(kconf, profile, arch, output_dir(builddir))
        return toolchain(arch, prefix)
    sys.stdout.write(size.run(size.targets(args.profiles, args.arch), args.output, configure))
    return 0


def cmd_regenerate(args):
    builddir = output_dir(args.output)
    kconf, profile, arch = K.load_build_config(builddir)
    generate(kconf, profile, arch, builddir)
    return 0


def cmd_menuconfig(args):
    builddir = output_dir(args.output)
    kconf, profile, arch = K.load_build_config(builddir)
    if not (sys.stdin.isatty() and sys.stdout.isatty()) or os.environ.get("TERM") in (None, "",
                                                                                       "dumb"):
        raise ConfigError("menuconfig needs an interactive terminal (stdin and stdout a tty, "
                          "TERM set); edit %s and run ninja instead"
                          % shown(os.path.join(builddir, ".config")))
    import curses
    import menuconfig
    # menuconfig saves where KCONFIG_CONFIG points: a scratch copy, committed like a configure.
    scratch = os.path.join(builddir, STATE_DIR, "menuconfig.config")
    shutil.copyfile(os.path.join(builddir, ".config"), scratch)
    os.environ["KCONFIG_CONFIG"] = scratch
    os.environ["KCONFIG_CONFIG_HEADER"] = "# Kiln: profile=%s arch=%s\n" % (profile, arch)
    kconf.load_config(scratch)
    try:
        menuconfig.menuconfig(kconf)
    except curses.error as e:
        raise ConfigError("menuconfig: the terminal cannot run it (%s)" % e)
    kconf = K.load_kconfig()
    K.apply_assignments(kconf, K.parse_fragment(scratch))
    generate(kconf, profile, arch, builddir)
    return 0


def cmd_savedefconfig(args):
    builddir = output_dir(args.output)
    kconf, profile, arch = K.load_build_config(builddir)
    sys.stdout.write(K.min_config_text(
        kconf, "# minimal fragment of %s (profile %s, arch %s)\n" % (shown(builddir), profile,
                                                                     arch)))
    return 0


def variant_summary(kconf, comp, v):
    sym = kconf.syms.get(variant_symbol(comp, v))
    if sym is None or not sym.nodes:
        return ""
    summary = (sym.nodes[0].help or "").strip().split(".")[0].replace("\n", " ")
    own = [kconfiglib.expr_str(e) for e in kconfiglib.split_expr(sym.direct_dep, kconfiglib.AND)
           if not isinstance(e, kconfiglib.Choice) and e is not kconf.y]
    return summary + (" [depends on %s]" % " && ".join(own) if own else "")


def cmd_list(args):
    out = ["Profiles:"]
    for p in profiles():
        out.append("  %-10s %s" % (p, profile_description(p)))
    out.append("\nArches: %s" % ", ".join(arches()))
    kconf = K.load_kconfig()
    out.append("\nComponents:")
    for comp, variants in components().items():
        out.append("  %s" % comp)
        out += ["    %-14s %s" % (v, variant_summary(kconf, comp, v)) for v in variants]
    print("\n".join(out))
    return 0


def profile_description(name):
    first = read_text(profile_fragment(name)).split("\n", 1)[0].strip()
    return first.lstrip("# ").split(":", 1)[-1].strip() if first.startswith("#") else ""


def diff_sides(args):
    """[(profile, its overrides)] of the two profiles diff compares."""
    sides = []
    for profile, option in ((args.profile_a, "--set-a"), (args.profile_b, "--set-b")):
        own = getattr(args, option[2:].replace("-", "_")) or []
        sides.append((profile, [K.parse_set(s) for s in args.set or []]
                      + [K.parse_set(s, option) for s in own]))
    return sides


def configure_into(profile, arch, sets, builddir):
    """Configure builddir as `configure.py --profile P --arch A --set ...` would."""
    kconf = K.resolve(profile, arch, sets)
    check_tools(arch, kconf.syms["PLATFORM_NAME"].str_value, kconf.syms["CROSS_COMPILE"].str_value)
    generate(kconf, profile, arch, output_dir(builddir))


def cmd_diff(args):
    if args.objects:
        return objdiff.compare(args, diff_sides(args), configure_into)
    if args.builds or args.function:
        raise ConfigError("--builds and --function need --objects")
    trees, variants = [], []
    for profile, sets in diff_sides(args):
        kconf = K.resolve(profile, args.arch, sets)
        trees.append(render_tree(kconf, profile, args.arch, False))
        variants.append(K.selected_variants(kconf))
    out, stat = labelled_diff((args.profile_a, args.profile_b), trees, variants)
    if args.stat:
        out = [" %-34s | +%d -%d\n" % (rel, plus, minus) for rel, (plus, minus) in sorted(stat.items())]
        out.append(" %d file(s) differ between %s and %s (%s)\n"
                   % (len(stat), args.profile_a, args.profile_b, args.arch))
    sys.stdout.write("".join(out))
    return 1 if stat else 0


class Parser(argparse.ArgumentParser):
    def error(self, message):
        self.print_usage(sys.stderr)
        raise ConfigError(printable(message))


def parse_args(argv):
    if argv and argv[0] in COMMANDS:
        cmd = argv[0]
        p = Parser(prog="configure.py " + cmd)
        if cmd == "diff":
            p.add_argument("profile_a")
            p.add_argument("profile_b")
            p.add_argument("--arch", help="default: this host's arch")
            p.add_argument("--stat", action="store_true", help="per-file changed-line counts only")
            p.add_argument("--set", action="append", metavar="CONFIG_X=V",
                           help="override applied to both profiles")
            p.add_argument("--set-a", action="append", metavar="CONFIG_X=V",
                           help="override applied to the first profile only")
            p.add_argument("--set-b", action="append", metavar="CONFIG_X=V",
                           help="override applied to the second profile only")
            p.add_argument("--objects", action="store_true",
                           help="build both and compare their machine code, function by function")
            p.add_argument("--builds", nargs=2, metavar=("DIR_A", "DIR_B"),
                           help="with --objects: build in these directories (reused when "
                                "already configured for the profile) instead of temporary ones")
            p.add_argument("--function", action="append", metavar="NAME",
                           help="with --objects: show this function's disassembly diff")
        elif cmd == "size":
            p.add_argument("--profiles", help="comma-separated (default: every profile)")
            p.add_argument("--arch", help="an arch or 'all' (default: this host's arch)")
            p.add_argument("-o", "--output", help="builds go to DIR/<profile>-<arch> "
                           "(default build/size-<profile>-<arch>); existing ones are reused")
        elif cmd == "bench":
            bench.add_arguments(p)
        elif cmd in ("menuconfig", "savedefconfig", "regenerate"):
            p.add_argument("-o", "--output", required=True, help="build directory")
        args = p.parse_args(argv[1:])
        args.command = cmd
        if cmd in ("diff", "size"):
            args.arch = args.arch or default_arch()
        return args
    p = Parser(prog="configure.py", description="Configure a Kiln build directory from a profile.",
               epilog="Other commands: list, diff A B, menuconfig -o DIR, savedefconfig -o DIR, "
               "size [--profiles P,Q] [--arch A|all] [-o DIR], "
               "bench [--profiles P,Q] [--arch A|all] [--smp N,N] [--bench FILTER] [--peer linux] "
               "[-o DIR].")
    p.add_argument("--profile", default="tiny", help="profile name (see: configure.py list)")
    p.add_argument("--arch", help="%s (default: this host's)" % " or ".join(arches()))
    p.add_argument("-o", "--output", help="build directory (default build/<profile>-<arch>)")
    p.add_argument("--set", action="append", metavar="CONFIG_X=V", help="Kconfig override")
    p.add_argument("--kvm", action="store_true",
                   help="boot under KVM (needs hardware virtualization; TCG is the default)")
    args = p.parse_args(argv)
    args.command = "configure"
    args.arch = args.arch or default_arch()
    return args


def fail(msg):
    print("configure.py: error: " + msg, file=sys.stderr, flush=True)
    return 2


def main(argv):
    """Run one command; every failure is one line on stderr and status 2."""
    handlers = {"configure": cmd_configure, "list": cmd_list, "diff": cmd_diff,
                "menuconfig": cmd_menuconfig, "savedefconfig": cmd_savedefconfig,
                "regenerate": cmd_regenerate, "size": cmd_size, "bench": bench.run}
    try:
        args = parse_args(argv)
        status = handlers[args.command](args)
        sys.stdout.flush()
        return status
    except ConfigError as e:
        return fail(str(e))
    except kconfiglib.KconfigError as e:
        return fail("KconfigError: %s" % e)
    except jinja2.TemplateError as e:
        return fail("%s: %s" % (type(e).__name__, e))
    except KeyboardInterrupt:
        return fail("interrupted; %s" % ("the build directory was already fully updated"
                                          if output.COMMITTED else "nothing was changed"))
    except BrokenPipeError:
        # Whoever read our output stopped reading (| head): say so once, on stderr.
        _silence_stdout()
        return fail("standard output closed before the output was complete")
    except OSError as e:
        return fail(str(e))
    except Exception:  # a bug: show where, but never exit 1 (diff's "the profiles differ")
        traceback.print_exc()
        return fail("internal error in configure.py (traceback above)")


def _silence_stdout():
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
