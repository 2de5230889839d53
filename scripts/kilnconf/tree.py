"""What the source tree holds. Standard library only: the host tests import it too."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Source folders a build directory must never be placed in: the configurator discovers
# profiles, variants, arches and platforms by listing them, and pytest collects tests/.
SOURCE_DIRS = ("arch", "components", "kernel", "platforms", "profiles", "scripts", "templates",
               "tests", ".git")


def _folders(*parts):
    base = os.path.join(ROOT, *parts)
    return sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))


def arches():
    """Every folder arch/<arch>/ that holds a defconfig."""
    return [d for d in _folders("arch") if os.path.isfile(os.path.join(ROOT, "arch", d, "defconfig"))]


def profiles():
    """The files profiles/<name>.config, except base.config."""
    base = os.path.join(ROOT, "profiles")
    return sorted(f[:-len(".config")] for f in os.listdir(base)
                  if f.endswith(".config") and f != "base.config"
                  and os.path.isfile(os.path.join(base, f)))


def profile_fragment(name):
    return os.path.join(ROOT, "profiles", name + ".config")


def components():
    """{component: [variant, ...]}: the folders components/<c>/<v>/ that hold a Kconfig."""
    return {c: [v for v in _folders("components", c)
                if os.path.isfile(os.path.join(ROOT, "components", c, v, "Kconfig"))]
            for c in _folders("components")}


def platforms():
    """{Kconfig symbol (without CONFIG_): folder} of every platforms/<p>/Kconfig.platform."""
    out = {}
    for p in _folders("platforms"):
        path = os.path.join(ROOT, "platforms", p, "Kconfig.platform")
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                out.update({m: p for m in re.findall(r"^config (\w+)$", f.read(), re.M)})
    return out


def arch_platform(arch):
    """The platform folder arch/<arch>/defconfig selects (CONFIG_<platform symbol>=y)."""
    with open(os.path.join(ROOT, "arch", arch, "defconfig"), encoding="utf-8") as f:
        chosen = re.findall(r"^CONFIG_(\w+)=y$", f.read(), re.M)
    return next(folder for sym, folder in platforms().items() if sym in chosen)


def variant_symbol(component, variant):
    """The Kconfig symbol (without CONFIG_) that selects a variant."""
    return (component + "_" + variant).upper().replace("-", "_")


def source_dir_holding(path):
    """The source folder (or the tree itself) that path is or lies inside, else None."""
    real = os.path.realpath(path)
    root = os.path.realpath(ROOT)
    if real == root or root.startswith(real.rstrip(os.sep) + os.sep):
        return root
    for d in SOURCE_DIRS:
        top = os.path.join(root, d)
        if real == top or real.startswith(top + os.sep):
            return top
    return None
