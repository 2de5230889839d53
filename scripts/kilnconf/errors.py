"""User-facing errors and how they name files."""

import os


class ConfigError(Exception):
    """A user-facing error: printed as one line without a traceback, exit status 2."""


def shown(path):
    """path as a message shows it: relative to the current directory when below it."""
    path = os.path.abspath(path)
    rel = os.path.relpath(path)
    return path if rel.startswith("..") else rel


def read_text(path):
    """The UTF-8 text of path; unreadable or undecodable files are ConfigErrors naming the line."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError("cannot read %s: %s" % (shown(path), e.strerror or e))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise ConfigError("%s:%d: not valid UTF-8 (byte 0x%02x)" % (shown(path), line,
                                                                   data[e.start]))


def check_text(text, what):
    """Refuse text that came from bytes that are not UTF-8 (argv decodes them to surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ConfigError("%s: not valid UTF-8" % printable(what))


def printable(text):
    """text with the undecodable bytes of a command-line argument shown as \\xNN escapes."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
