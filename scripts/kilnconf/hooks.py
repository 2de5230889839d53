"""The entry hook contract: how a component's variant plugs into generated entry code.

components/hooks.j2 declares the hooks every component has; components/<c>/hooks.j2 those of
component <c>, each an empty macro (the default) with a comment stating the machine state at
that phase. A variant's components/<c>/<v>/<arch>.S.j2 overrides some of them with the same
arguments; its private helpers start with "_". An arch template calls hooks by name
({{ percpu.load_cpu_ptr("x19", "x20") }}) in the order its entry paths fix, and never looks
at which variant is selected."""

import os

import jinja2

from .attribution import bracket
from .errors import ConfigError
from .tree import ROOT, arches, components

COMMON = "components/hooks.j2"


def contract_path(comp):
    return "components/%s/hooks.j2" % comp


def variant_path(comp, variant, arch):
    return "components/%s/%s/%s.S.j2" % (comp, variant, arch)


def _macros(module):
    return {n: m for n, m in vars(module).items() if isinstance(m, jinja2.runtime.Macro)}


def _signature(macro):
    return "%s(%s)" % (macro.name, ", ".join(macro.arguments))


def contract(env, comp):
    """{hook name: default macro} that component comp declares (common hooks included)."""
    if not os.path.isfile(os.path.join(ROOT, contract_path(comp))):
        raise ConfigError("component %s has no hook contract %s" % (comp, contract_path(comp)))
    declared = _macros(env.get_template(COMMON).module)
    declared.update(_macros(env.get_template(contract_path(comp)).module))
    return declared


def overrides(env, comp, variant, arch, declared):
    """{hook name: macro} a variant defines for arch, checked against the contract."""
    path = variant_path(comp, variant, arch)
    if not os.path.isfile(os.path.join(ROOT, path)):
        return {}
    defined = _macros(env.get_template(path).module)
    for name, macro in sorted(defined.items()):
        if name not in declared:
            raise ConfigError("%s: macro %s is not a hook of %s (declared in %s: %s); name "
                              "private helpers _%s" % (path, name, comp, contract_path(comp),
                                                       ", ".join(sorted(declared)), name))
        if macro.arguments != declared[name].arguments:
            raise ConfigError("%s: hook %s does not match its declaration %s in %s"
                              % (path, _signature(macro), _signature(declared[name]),
                                 contract_path(comp)))
    return defined


class Hooks:
    """The hooks of one component as the templates see them: the variant's, else the default,
    each expansion bracketed with its component, variant and hook (attribution.unbracket)."""

    def __init__(self, comp, variant, table):
        self.component, self.variant = comp, variant
        for name, macro in table.items():
            setattr(self, name, bracket(comp, variant, name, macro))


def check_all(arch_env):
    """Every variant of every component, on every arch, against its component's contract.

    arch_env(arch) is the Jinja2 environment that arch's templates render in."""
    for arch in arches():
        env = arch_env(arch)
        for comp, variants in components().items():
            declared = contract(env, comp)
            for variant in variants:
                overrides(env, comp, variant, arch, declared)


def load(env, variants, arch):
    """{component: Hooks} for the selected variants."""
    out = {}
    for comp, variant in variants.items():
        table = contract(env, comp)
        table.update(overrides(env, comp, variant, arch, table))
        out[comp] = Hooks(comp, variant, table)
    return out
