"""The entry hook contract: every variant of every component renders and assembles on every
arch, in every combination Kconfig allows; a variant that breaks the contract is refused at
configure time; arch templates never test a variant."""

import itertools
import re

import pytest

import kiln_harness as kh
from kiln_harness import ARCHES, DEFAULT_ARCH, DEFAULT_PROFILE, ROOT, assert_config_error


def arch_variants(arch):
    """{component: [variants Kconfig accepts on arch]}, from what configure takes alone."""
    out = {}
    for comp, variants in kh.components().items():
        ok = []
        for v in variants:
            sym = "CONFIG_" + kh.variant_symbol(comp, v)
            proc = kh.configure("diff", DEFAULT_PROFILE, DEFAULT_PROFILE, "--arch", arch,
                                "--set-b", sym + "=y")
            if proc.returncode in (0, 1):
                ok.append(v)
            else:
                assert "unmet dependency" in proc.stderr, kh.describe(proc)
        assert ok, "component %s has no variant for %s" % (comp, arch)
        out[comp] = ok
    return out


@pytest.mark.parametrize("arch", ARCHES)
def test_every_combination_of_variants_assembles(arch, tmp_path):
    variants = arch_variants(arch)
    comps = sorted(variants)
    combos = list(itertools.product(*(variants[c] for c in comps)))
    assert len(combos) >= 4, combos
    for combo in combos:
        sets = ["CONFIG_%s=y" % kh.variant_symbol(c, v) for c, v in zip(comps, combo)]
        out = tmp_path / "-".join(combo)
        proc = kh.configure_build_dir(out, DEFAULT_PROFILE, arch, sets=sets)
        assert proc.returncode == 0, kh.describe(proc)
        assert kh.selected_variants(out) == dict(zip(comps, combo))
        asm = sorted(p.name[:-2] for p in (out / "generated").glob("*.S"))
        proc = kh.ninja(out, *["obj/generated/%s.o" % a for a in asm])
        assert proc.returncode == 0, "%s on %s:\n%s" % (combo, arch, kh.describe(proc))


def test_arch_templates_never_test_a_variant():
    """No {% if %} on the configuration in an arch template: variants plug in through hooks."""
    offenders = []
    for arch in ARCHES:
        for path in sorted((ROOT / "templates" / arch).glob("*.j2")):
            for n, line in enumerate(path.read_text().splitlines(), 1):
                m = re.search(r"{%-?\s*(?:if|elif)\b(.*?)%}", line)
                if m and re.search(r"\b(config|variants)\b", m.group(1)):
                    offenders.append("%s:%d: %s" % (path.relative_to(ROOT), n, line.strip()))
    assert not offenders, "arch templates testing the configuration:\n" + "\n".join(offenders)


def variant_file(copy):
    """A variant's arch file in the copy that defines a hook: (path, hook line)."""
    path = copy / "components" / "percpu" / "array" / (DEFAULT_ARCH + ".S.j2")
    text = path.read_text()
    m = re.search(r"^{% macro load_cpu_ptr\(reg, scratch\) %}$", text, re.M)
    assert m, text
    return path, m.group(0)


def test_undeclared_hook_is_refused(tree, tmp_path):
    copy, protect = tree
    path, _ = variant_file(copy)
    path.write_text(path.read_text() + "\n{% macro load_cpu_pointer(reg) %}\n{% endmacro %}\n")
    assert_config_error(["--profile", "smp", "--arch", DEFAULT_ARCH],  # not even selected
                        ["components/percpu/array/%s.S.j2" % DEFAULT_ARCH,
                         "load_cpu_pointer is not a hook of percpu",
                         "components/percpu/hooks.j2"], protect, tmp_path, root=copy)


def test_wrong_hook_signature_is_refused(tree, tmp_path):
    copy, protect = tree
    path, line = variant_file(copy)
    path.write_text(path.read_text().replace(line, "{% macro load_cpu_ptr(reg) %}"))
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["load_cpu_ptr(reg) does not match its declaration "
                         "load_cpu_ptr(reg, scratch)"], protect, tmp_path, root=copy)


def test_component_without_contract_is_refused(tree, tmp_path):
    copy, protect = tree
    (copy / "components" / "percpu" / "hooks.j2").unlink()
    assert_config_error(["--profile", DEFAULT_PROFILE, "--arch", DEFAULT_ARCH],
                        ["component percpu has no hook contract"], protect, tmp_path, root=copy)


def test_every_hook_documents_its_machine_state():
    """Each declared hook says what it may rely on: stack, page root, per-CPU, registers."""
    for contract in sorted((ROOT / "components").glob("*/hooks.j2")):
        text = contract.read_text()
        hooks = re.findall(r"^{% macro (\w+)\(", text, re.M)
        # A component none of whose variants writes entry code says so instead.
        assert hooks or "add nothing to entry code" in text, contract
        for hook in hooks:
            doc = re.search(r"{#((?:(?!#}).)*)#}\s*{% macro " + hook + r"\(", text, re.S)
            assert doc, "%s: hook %s has no comment" % (contract, hook)
            if "entered by a C call" in doc.group(1) or "out_of_line" == hook:
                continue
            for key in ("stack:", "page root:", "per-CPU:", "may use:"):
                assert key in doc.group(1), "%s: hook %s does not state %r" % (contract, hook, key)


def test_configurator_and_runner_name_no_arch():
    """Arches and platforms are folders of data: the generic tools never spell their names."""
    names = set(kh.arches()) | set(kh.platforms().values()) | {"aarch64", "x86", "amd64"}
    files = [ROOT / "configure.py", ROOT / "build.ninja.in", ROOT / "scripts" / "qemu-run.py"]
    files += sorted((ROOT / "scripts" / "kilnconf").glob("*.py"))
    offenders = []
    for path in files:
        for n, line in enumerate(path.read_text().splitlines(), 1):
            hits = [w for w in names if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w), line)]
            if hits:
                offenders.append("%s:%d: %s" % (path.relative_to(ROOT), n, line.strip()))
    assert not offenders, "arch or platform names in generic tools:\n" + "\n".join(offenders)


def test_percpu_array_takes_one_cpu_on_x86_64(configured_dir, tmp_path):
    """SYSCALL leaves no register free: on x86_64 the array variant reaches its per-CPU slot as
    cpus[0], so Kconfig refuses it with SMP; arm64 has no such limit."""
    if "x86_64" not in ARCHES:
        pytest.skip("no x86_64 arch")
    assert_config_error(["--profile", "smp", "--arch", "x86_64", "--set", "CONFIG_PERCPU_ARRAY=y"],
                        ["CONFIG_PERCPU_ARRAY", "!ARCH_X86_64 || !SMP"], configured_dir,
                        tmp_path)
    if "arm64" in ARCHES:
        proc = kh.configure_build_dir(tmp_path / "arm64", "smp", "arm64",
                                      sets=["CONFIG_PERCPU_ARRAY=y"])
        assert proc.returncode == 0, kh.describe(proc)
