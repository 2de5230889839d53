"""The compilers and emulators a build needs, and the Debian packages that provide them.

The facts are data: arch/<arch>/arch.toml (toolchain prefix, flags, packages) and
platforms/<platform>/platform.toml (QEMU binary and package)."""

import os
import shutil
import subprocess
import sys
import tomllib

from .errors import ConfigError, read_text
from .tree import ROOT, arches

HOST_TOOLS = {"ninja": "ninja-build"}


def _facts(*parts):
    path = os.path.join(ROOT, *parts)
    try:
        return tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as e:
        raise ConfigError("%s: %s" % (os.path.relpath(path, ROOT), e))


def arch_facts(arch):
    return _facts("arch", arch, "arch.toml")


def platform_facts(platform):
    return _facts("platforms", platform, "platform.toml")


def default_arch():
    """The arch whose native toolchain runs on this host, else the first arch."""
    native = [a for a in arches()
              if arch_facts(a)["toolchain"]["native"]["machine"] == os.uname().machine]
    return (native or arches())[0]


def flavour(arch):
    """The [toolchain.native] table on a host of that machine, else [toolchain.cross]."""
    tc = arch_facts(arch)["toolchain"]
    return tc["native"] if os.uname().machine == tc["native"]["machine"] else tc["cross"]


def toolchain(arch, prefix):
    """{tool: program}; prefix is CONFIG_CROSS_COMPILE, empty for the arch's default."""
    tools = flavour(arch)
    prefix = prefix or tools["prefix"]
    return {t: prefix + t for t in tools["packages"]}


def _install_hint(pkg):
    return "install the Debian package %s (apt-get install %s)" % (pkg, pkg)


def require_tool(arch, prefix, tool):
    """The program of one toolchain tool (gcc, objdump...); missing: a ConfigError naming
    the Debian package that provides it."""
    name = toolchain(arch, prefix)[tool]
    if shutil.which(name) is not None:
        return name
    facts = flavour(arch)
    pkg = facts["packages"][tool]
    if prefix:
        raise ConfigError("missing tool %s (CONFIG_CROSS_COMPILE=%s): no such program on "
                          "PATH; the default prefix for %s is %r, from the Debian package %s"
                          % (name, prefix, arch, facts["prefix"], pkg))
    raise ConfigError("missing tool %s: %s" % (name, _install_hint(pkg)))


def require_host_tools():
    for name, pkg in HOST_TOOLS.items():
        if shutil.which(name) is None:
            raise ConfigError("missing tool %s: %s" % (name, _install_hint(pkg)))


def check_tools(arch, platform, prefix):
    """Refuse a missing compiler or ninja; warn about a missing QEMU (only run targets need it)."""
    for tool in sorted(toolchain(arch, prefix)):
        require_tool(arch, prefix, tool)
    require_host_tools()
    qemu = platform_facts(platform)["qemu"]
    if shutil.which(qemu["binary"]) is None:
        print("configure.py: warning: %s not found: the run/test/bench targets need the Debian "
              "package %s" % (qemu["binary"], qemu["package"]), file=sys.stderr)


def compiler_include_dir(arch, prefix):
    """The compiler's own header directory (stddef.h, stdint.h...): with -nostdinc, the only
    one kernel sources search besides the tree's, so no C library header can creep in."""
    cc, pkg = toolchain(arch, prefix)["gcc"], flavour(arch)["packages"]["gcc"]
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


def qemu_options(platform, cfg):
    """The -M options a platform takes from the configuration, as "name=value" strings."""
    out = []
    for name, spec in platform_facts(platform)["qemu"].get("machine_options", {}).items():
        if isinstance(spec, str):
            out.append("%s=%s" % (name, cfg[spec]))
        elif cfg.get(spec["symbol"]):
            out.append("%s=%s" % (name, spec["value"]))
    return out
