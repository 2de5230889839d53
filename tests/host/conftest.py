"""Fixtures of the host test suite.

`builds` configures and builds each (profile, arch, --set overrides) once per session, in a
pytest temporary directory, and hands the same build to every test that asks for it. The
mutation harness's kill rates are printed at the end of the run.
"""

import pytest

import kiln_harness as kh
import mutation


class Build:
    """One configured (and, on demand, built) build directory."""

    def __init__(self, path, profile, arch, sets):
        self.path = path
        self.profile = profile
        self.arch = arch
        self.sets = tuple(sets)
        self.configure_proc = None
        self.build_proc = None

    @property
    def kernel(self):
        return self.path / "kernel.elf"

    def config(self):
        return kh.read_config(self.path)

    def __repr__(self):
        return "Build(%s, %s, %s)" % (self.profile, self.arch, " ".join(self.sets))


class Builds:
    """Session cache of build directories; failures are cached too, and reported to every
    test that needs the build."""

    def __init__(self, factory):
        self.factory = factory
        self.cache = {}

    def _get(self, profile, arch, sets):
        key = (profile, arch, tuple(sets))
        if key not in self.cache:
            name = "%s-%s%s" % (profile, arch, "-custom" if sets else "")
            b = Build(self.factory.mktemp(name), profile, arch, sets)
            b.configure_proc = kh.configure_build_dir(b.path, profile, arch, sets)
            self.cache[key] = b
        return self.cache[key]

    def configured(self, profile, arch, sets=()):
        b = self._get(profile, arch, sets)
        if b.configure_proc.returncode != 0:
            pytest.fail("configure failed for %r:\n%s" % (b, kh.describe(b.configure_proc)))
        return b

    def built(self, profile, arch, sets=()):
        b = self.configured(profile, arch, sets)
        if b.build_proc is None:
            b.build_proc = kh.ninja(b.path)
        if b.build_proc.returncode != 0 or not b.kernel.is_file():
            pytest.fail("build failed for %r:\n%s" % (b, kh.describe(b.build_proc)))
        return b

    def with_variant(self, profile, arch, component, variant):
        """(build, own): profile built with that variant of component. own: the profile
        selects it itself, and the build is the profile's own (shared with its other tests);
        else the variant is --set."""
        if kh.selected_variants(self.configured(profile, arch).path).get(component) == variant:
            return self.built(profile, arch), True
        sym = "CONFIG_%s=y" % kh.variant_symbol(component, variant)
        return self.built(profile, arch, (sym,)), False


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    return Builds(tmp_path_factory)


@pytest.fixture
def configured_dir(tmp_path):
    """A freshly configured build directory (default profile and arch): something for a
    failing configure run to damage."""
    path = tmp_path / "build"
    proc = kh.configure_build_dir(path, kh.DEFAULT_PROFILE, kh.DEFAULT_ARCH)
    if proc.returncode != 0:
        pytest.fail("could not configure the directory to protect:\n" + kh.describe(proc))
    return path


@pytest.fixture
def tree(tmp_path):
    """A private copy of the source tree, plus a directory that copy configured."""
    copy = kh.copy_tree(tmp_path / "repo")
    protect = tmp_path / "protected"
    proc = kh.configure_build_dir(protect, kh.DEFAULT_PROFILE, kh.DEFAULT_ARCH, root=copy)
    if proc.returncode != 0:
        pytest.fail("the copied tree does not configure:\n" + kh.describe(proc))
    return copy, protect


def pytest_terminal_summary(terminalreporter):
    """The mutation harness's kill rates, whatever pytest captured (see mutation.py)."""
    lines = mutation.session_lines()
    if lines:
        terminalreporter.section("mutation kill rate")
        for line in lines:
            terminalreporter.write_line(line)
