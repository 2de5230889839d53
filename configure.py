#!/usr/bin/env python3
"""Kiln configurator: resolve a profile with Kconfig and generate a build directory.

  ./configure.py [--profile P] [--arch A] [-o DIR] [--set CONFIG_X=V ...] [--kvm]
  ./configure.py list
  ./configure.py diff PROFILE_A PROFILE_B [--arch A] [--stat] [--set/--set-a/--set-b ...]
  ./configure.py menuconfig -o DIR
  ./configure.py savedefconfig -o DIR
  ./configure.py regenerate -o DIR      (what build.ninja runs when an input changed)

Every error exits with status 2 and leaves the build directory as it was. The work is done by
the package scripts/kilnconf; this file only makes sure kconfiglib and Jinja2 can be imported.
"""

import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PYTHON = "/usr/bin/python3"
PY_MODULES = (("kconfiglib", "python3-kconfiglib"), ("jinja2", "python3-jinja2"))


def import_modules():
    """Import kconfiglib and Jinja2, re-running under Debian's python3 if this one lacks them."""
    missing = []
    for mod, pkg in PY_MODULES:
        try:
            __import__(mod)
        except ImportError:
            missing.append((mod, pkg))
    if not missing:
        return True
    here = os.path.realpath(sys.executable)
    if (here != os.path.realpath(DEBIAN_PYTHON) and os.access(DEBIAN_PYTHON, os.X_OK)
            and not os.environ.get("KILN_REEXEC")):
        os.environ["KILN_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__)] + sys.argv[1:])
    print("configure.py: error: missing Python module(s) %s for %s: install the Debian "
          "package(s) %s (apt-get install %s)" % (
              ", ".join(m for m, _ in missing), sys.executable,
              ", ".join(p for _, p in missing), " ".join(p for _, p in missing)),
          file=sys.stderr)
    return False


def main():
    try:
        if not import_modules():
            return 2
        sys.path.insert(0, os.path.join(ROOT, "scripts"))
        from kilnconf.cli import main as cli_main
    except KeyboardInterrupt:
        print("configure.py: error: interrupted; nothing was changed", file=sys.stderr)
        return 2
    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
