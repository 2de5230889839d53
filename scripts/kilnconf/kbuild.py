"""Kbuild fragments: which sources the selected configuration builds.

  obj-y += a.c b.S             always
  obj-$(CONFIG_X) += c.c       when CONFIG_X is y
  obj-y += $(ARCH).c           the arch's file
  obj-y += f.c:tag             f.c once more, as object f.tag.o (flags: CFLAGS_f.c:tag += ...)
  offsets-y += offsets.c       structure offsets for assembly
  subdir-y += dir              dir/Kbuild too
  CFLAGS_f.c += -O0            extra flags of one object
  ccflags-y += -I$(srctree)/arch/$(ARCH)/private
                               extra flags of every object of this folder ($(srctree): the
                               source tree, e.g. for an arch's private headers)

User programs (user/Kbuild, tests/user/Kbuild), each its own static ELF linked with the
user library:
  ulib-y += lib.c $(ARCH)/start.S   sources of the user library
  prog-y += hello                   the program hello, from hello.c
  regs-objs += regs.c $(ARCH)/regs.S  ... or from these sources
"""

import os
import re
import shlex

from .errors import ConfigError, read_text
from .tree import ROOT

KBUILD_LINE = re.compile(
    r"^(obj|subdir|offsets|ulib|prog)-(y|\$\(CONFIG_([A-Za-z0-9_]+)\))\s*\+=\s*(.*)$")
KBUILD_PROG_OBJS = re.compile(r"^([A-Za-z0-9_]+)-objs\s*\+=\s*(.*)$")
KBUILD_FLAGS = re.compile(r"^CFLAGS_(\S+)\s*\+=\s*(.*)$")
KBUILD_DIRFLAGS = re.compile(r"^ccflags-y\s*\+=\s*(.*)$")
# How $(srctree) reaches build.ninja: its shell-quoted source-root variable.
SRCTREE = "$root_sh"


def logical_lines(text):
    """(first physical line number, text) of each line, backslash continuations joined."""
    out, start, parts = [], None, []
    for n, line in enumerate(text.splitlines(), 1):
        start = start or n
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        out.append((start, " ".join(parts + [line])))
        start, parts = None, []
    if parts:
        out.append((start, " ".join(parts)))
    return out


def parse(rel_dir, text, cfg, arch, out, subdir, exists=None):
    """Add the objects, offsets files and flags of one Kbuild text to `out`, in order.

    subdir(rel) is called where a subdirectory is named, so its objects keep their place in
    the link order; exists(rel) says whether a source file is in the tree."""
    exists = exists or (lambda rel: os.path.isfile(os.path.join(ROOT, rel)))
    for n, raw in logical_lines(text):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        m = KBUILD_DIRFLAGS.match(line)
        if m:
            out["dirflags"].setdefault(rel_dir, []).extend(
                f.replace("$(ARCH)", arch).replace("$(srctree)", SRCTREE)
                for f in shlex.split(m.group(1)))
            continue
        m = KBUILD_FLAGS.match(line)
        if m:
            out["cflags"].setdefault(os.path.join(rel_dir, m.group(1)), []).extend(
                shlex.split(m.group(2)))
            continue
        m = KBUILD_PROG_OBJS.match(line)
        if m:
            out["prog_objs"].setdefault((rel_dir, m.group(1)), []).append(
                (n, m.group(2).replace("$(ARCH)", arch).split()))
            continue
        m = KBUILD_LINE.match(line)
        if not m:
            raise ConfigError("%s/Kbuild:%d: malformed line %r" % (rel_dir, n, raw))
        kind, cond, items = m.group(1), m.group(3), m.group(4).split()
        if cond is not None and not cfg.get(cond):
            continue
        for item in items:
            name, _, tag = item.replace("$(ARCH)", arch).partition(":")
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if kind == "subdir":
                subdir(rel)
                continue
            if kind == "prog":
                out["progs"].append({"name": name, "dir": rel_dir, "line": n})
                continue
            if not exists(rel):
                raise ConfigError("%s/Kbuild:%d: no such source %s" % (rel_dir, n, rel))
            if kind == "offsets":
                out["offsets"].append(rel)
                continue
            if kind == "ulib":
                out["ulib"].append(user_object(rel))
                continue
            out["obj"].append({"src": rel, "dir": rel_dir, "key": rel + (":" + tag if tag else ""),
                               "obj": "obj/%s%s.o" % (rel.rsplit(".", 1)[0],
                                                      "." + tag if tag else "")})


def user_object(rel):
    """A user-mode object of source rel: built apart from the kernel's objects (obj/), as
    the same source may be in both (kernel/lib)."""
    return {"src": rel, "obj": "uobj/%s.o" % rel.rsplit(".", 1)[0]}


def resolve_programs(out, exists=None):
    """Give each prog-y program its sources: NAME-objs, or NAME.c."""
    exists = exists or (lambda rel: os.path.isfile(os.path.join(ROOT, rel)))
    seen = {}
    for p in out["progs"]:
        where = "%s/Kbuild:%d" % (p["dir"], p["line"])
        if p["name"] in seen:
            raise ConfigError("%s: program %s is already defined at %s" % (
                where, p["name"], seen[p["name"]]))
        seen[p["name"]] = where
        lines = out["prog_objs"].get((p["dir"], p["name"]), [])
        srcs = [src for _, items in lines for src in items] or [p["name"] + ".c"]
        p["objs"] = []
        for s in srcs:
            rel = os.path.normpath(os.path.join(p["dir"], s))
            if not exists(rel):
                raise ConfigError("%s: no such source %s for program %s" % (where, rel, p["name"]))
            p["objs"].append(user_object(rel))


def read(rel_dir, cfg, arch, out):
    path = os.path.join(ROOT, rel_dir, "Kbuild")
    if not os.path.isfile(path):
        return
    out["kbuild"].append(os.path.relpath(path, ROOT))
    parse(rel_dir, read_text(path), cfg, arch, out,
          subdir=lambda sub: read(sub, cfg, arch, out))


def collect_sources(dirs, cfg, arch):
    """{"obj": [{src, obj, key, dir, flags}], "offsets": [src], "kbuild": [path], ...} of the
    Kbuild files of dirs (and their subdirs); flags: the folder's ccflags-y, then CFLAGS_."""
    out = {"obj": [], "offsets": [], "cflags": {}, "dirflags": {}, "kbuild": [],
           "ulib": [], "progs": [], "prog_objs": {}}
    for d in dirs:
        read(d, cfg, arch, out)
    resolve_programs(out)
    for o in out["obj"]:
        o["flags"] = out["dirflags"].get(o["dir"], []) + out["cflags"].get(o["key"], [])
    return out
