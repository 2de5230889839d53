"""The compilers and emulators an arch needs, and the Debian packages that provide them."""

import os
import shutil
import subprocess
import sys

from .errors import ConfigError

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


def default_prefix(arch):
    spec = ARCH_TOOLS[arch]
    native = arch == "x86_64" and os.uname().machine == "x86_64"
    return spec["prefix"] if native or spec["prefix"] else spec["cross_prefix"]


def toolchain(arch, prefix):
    """{tool: program}; prefix is CONFIG_CROSS_COMPILE, empty for the arch's default."""
    prefix = prefix or default_prefix(arch)
    tools = {t: prefix + t for t in ARCH_TOOLS[arch]["packages"]}
    tools["qemu"] = ARCH_TOOLS[arch]["qemu"][0]
    return tools


def _install_hint(pkg):
    return "install the Debian package %s (apt-get install %s)" % (pkg, pkg)


def check_tools(arch, prefix):
    """Refuse a missing compiler or ninja; warn about a missing QEMU (only run targets need it)."""
    tools = toolchain(arch, prefix)
    packages = ARCH_TOOLS[arch]["packages"]
    for tool in sorted(packages):
        name = tools[tool]
        if shutil.which(name) is not None:
            continue
        if prefix:
            raise ConfigError("missing tool %s (CONFIG_CROSS_COMPILE=%s): no such program on "
                              "PATH; the default prefix for %s is %r, from the Debian package %s"
                              % (name, prefix, arch, default_prefix(arch), packages[tool]))
        raise ConfigError("missing tool %s: %s" % (name, _install_hint(packages[tool])))
    for name, pkg in HOST_TOOLS.items():
        if shutil.which(name) is None:
            raise ConfigError("missing tool %s: %s" % (name, _install_hint(pkg)))
    qemu, pkg = ARCH_TOOLS[arch]["qemu"]
    if shutil.which(qemu) is None:
        print("configure.py: warning: %s not found: the run/test/bench targets need the Debian "
              "package %s" % (qemu, pkg), file=sys.stderr)


def compiler_include_dir(arch, prefix):
    """The compiler's own header directory (stddef.h, stdint.h...): with -nostdinc, the only
    one kernel sources search besides the tree's, so no C library header can creep in."""
    cc, pkg = toolchain(arch, prefix)["gcc"], ARCH_TOOLS[arch]["packages"]["gcc"]
    try:
        out = subprocess.run([cc, "-print-file-name=include"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, check=True).stdout.rstrip("\n")
    except (OSError, subprocess.CalledProcessError) as e:
        raise ConfigError("cannot ask %s for its header directory (%s): %s"
                          % (cc, e, _install_hint(pkg)))
    if not os.path.isabs(out) or not os.path.isfile(os.path.join(out, "stddef.h")):
        raise ConfigError("%s has no header directory with stddef.h (-print-file-name=include "
                          "gave %r): %s" % (cc, out, _install_hint(pkg)))
    return out
