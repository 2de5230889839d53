"""Unit tests of the Kbuild parser (scripts/kilnconf/kbuild.py), on texts, without a tree."""

import pytest

import kiln_harness  # noqa: F401  (puts scripts/ on sys.path)
from kilnconf.errors import ConfigError
from kilnconf.kbuild import logical_lines, parse


def parsed(text, cfg=None, arch="x86_64", present=None):
    """(out, subdirs in the order met) of one Kbuild text in folder d/."""
    out = {"obj": [], "offsets": [], "cflags": {}, "dirflags": {}, "kbuild": []}
    met = []

    def subdir(rel):
        met.append(rel)
        out["obj"].append({"subdir": rel})

    def exists(rel):
        return present is None or rel in present

    parse("d", text, cfg or {}, arch, out, subdir=subdir, exists=exists)
    return out, met


def objs(out):
    return [o.get("obj", o.get("subdir")) for o in out["obj"]]


def test_plain_and_conditional_objects():
    out, _ = parsed("obj-y += a.c b.S\nobj-$(CONFIG_X) += x.c\nobj-$(CONFIG_Y) += y.c\n",
                    cfg={"X": True, "Y": False})
    assert objs(out) == ["obj/d/a.o", "obj/d/b.o", "obj/d/x.o"]
    assert [o["src"] for o in out["obj"]] == ["d/a.c", "d/b.S", "d/x.c"]


def test_arch_substitution_and_paths_normalised():
    out, _ = parsed("obj-y += $(ARCH).c ../e/f.c\n", arch="arm64")
    assert [o["src"] for o in out["obj"]] == ["d/arm64.c", "e/f.c"]


def test_tagged_object_is_a_second_build_with_its_own_flags():
    out, _ = parsed("obj-y += t.c t.c:O0\nCFLAGS_t.c:O0 += -O0 -DX='a b'\n")
    assert objs(out) == ["obj/d/t.o", "obj/d/t.O0.o"]
    assert [o["key"] for o in out["obj"]] == ["d/t.c", "d/t.c:O0"]
    assert out["cflags"] == {"d/t.c:O0": ["-O0", "-DX=a b"]}


def test_subdir_keeps_its_place_in_link_order():
    out, met = parsed("obj-y += a.c\nsubdir-y += sub\nobj-y += b.c\n")
    assert met == ["d/sub"]
    assert objs(out) == ["obj/d/a.o", "d/sub", "obj/d/b.o"]


def test_offsets_and_comments():
    out, _ = parsed("# a comment\n\noffsets-y += offsets.c  # trailing\n")
    assert out["offsets"] == ["d/offsets.c"] and out["obj"] == []


def test_continuation_lines_keep_the_first_line_number():
    assert logical_lines("a \\\n b \\\n c\nd\n") == [(1, "a   b   c"), (4, "d")]
    with pytest.raises(ConfigError, match=r"d/Kbuild:3: malformed line"):
        parsed("obj-y += a.c \\\n b.c\nnonsense\n")


@pytest.mark.parametrize("line", ["obj-m += a.c", "obj-y = a.c", "obj-$(X) += a.c",
                                  "CFLAGS_a.c = -O0", "src-y += a.c"])
def test_malformed_lines(line):
    with pytest.raises(ConfigError, match=r"d/Kbuild:1: malformed line"):
        parsed(line + "\n")


def test_missing_source_is_named():
    with pytest.raises(ConfigError, match=r"d/Kbuild:2: no such source d/gone.c"):
        parsed("obj-y += here.c\nobj-y += gone.c\n", present={"d/here.c"})


def test_missing_source_behind_a_false_condition_is_not_checked():
    out, _ = parsed("obj-$(CONFIG_OFF) += gone.c\n", present=set())
    assert out["obj"] == []


def test_folder_flags_name_the_source_tree_and_arch():
    out, _ = parsed("ccflags-y += -I$(srctree)/arch/$(ARCH) -DX\nobj-y += a.c\n", arch="arm64")
    assert out["dirflags"] == {"d": ["-I$root_sh/arch/arm64", "-DX"]}
    assert out["obj"][0]["dir"] == "d"
