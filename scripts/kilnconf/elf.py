"""Section headers of an ELF64 file (the kernel image or an object), read directly: the one
reader of the size, bench and diff --objects commands."""

import collections
import struct

from .errors import ConfigError, shown

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8
SIZE_CLASSES = ("text", "rodata", "data", "bss")

Section = collections.namedtuple("Section", "name type flags size")


def sections(path):
    """[Section] of an ELF64 file of either byte order, in header order (the null one left out)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError("cannot read %s: %s" % (shown(path), e.strerror))
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] not in (1, 2):
        raise ConfigError("%s is not a 64-bit ELF file" % shown(path))
    end = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(end + "Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x3a)
    headers = [struct.unpack_from(end + "IIQQQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    names = headers[shstrndx][4]

    def name(off):
        return data[names + off:data.index(b"\0", names + off)].decode(errors="replace")

    return [Section(name(h[0]), h[1], h[2], h[5]) for h in headers[1:]]


def size_class(s):
    """text (code), rodata, data or bss of an allocated section, by its flags and type."""
    return ("text" if s.flags & SHF_EXECINSTR else "bss" if s.type == SHT_NOBITS
            else "data" if s.flags & SHF_WRITE else "rodata")


def size_classes(path):
    """{text, rodata, data, bss: bytes} of the allocated sections of an ELF file."""
    out = dict.fromkeys(SIZE_CLASSES, 0)
    for s in sections(path):
        if s.flags & SHF_ALLOC:
            out[size_class(s)] += s.size
    return out
