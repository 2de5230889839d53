"""The build directory: either the old tree or the new one, never a mix.

  1. lock      DIR/.kiln/lock (flock): one configure or regenerate at a time per directory.
  2. stage     every changed file is written next to its target, as NAME.kiln-new, so the
               commit renames never cross a file system (DIR may be a mount point) and a
               read-only or full file system fails here, before anything is replaced.
  3. commit    with SIGINT, SIGTERM and SIGHUP held: set the completion stamp aside, keep
               each old file as NAME.kiln-old (a hard link), rename every staged file over its
               target, build.ninja last, then write the stamp anew. A rename that fails puts the old files
               back. build.ninja names the stamp as an output of its regenerate edge, so a
               commit cut short by SIGKILL or power loss makes Ninja regenerate the whole tree
               from whichever .config is in place.
"""

import contextlib
import errno
import fcntl
import os
import shutil
import signal
import sys

from .errors import ConfigError, shown
from .tree import source_dir_holding

STATE_DIR = ".kiln"
STAMP = STATE_DIR + "/configured"
NEW, OLD = ".kiln-new", ".kiln-old"
HELD_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
COMMITTED = []  # build directories this process has finished writing


def _why(e):
    return os.strerror(e.errno) if e.errno else str(e)


def check_builddir(builddir):
    """Refuse a build directory that would change the source tree or cannot be a directory."""
    inside = source_dir_holding(builddir)
    if inside is not None:
        raise ConfigError("build directory %s is inside the source folder %s: configure "
                          "would add files the tree reads; use build/<name> or a path outside "
                          "the tree" % (shown(builddir), shown(inside)))
    if os.path.islink(builddir) and not os.path.exists(builddir):
        raise ConfigError("build directory %s is a symbolic link to %s, which does not exist"
                          % (shown(builddir), os.readlink(builddir)))
    if os.path.exists(builddir) and not os.path.isdir(builddir):
        raise ConfigError("build directory %s exists and is not a directory" % shown(builddir))


def check_writable(builddir, files):
    """Refuse before writing anything if some output path is blocked by a non-directory."""
    check_builddir(builddir)
    for rel in sorted(files):
        path = builddir
        for part in os.path.dirname(rel).split("/") if os.path.dirname(rel) else []:
            path = os.path.join(path, part)
            if os.path.exists(path) and not os.path.isdir(path):
                raise ConfigError("cannot write %s: %s is not a directory" % (rel, shown(path)))
        target = os.path.join(builddir, rel)
        if os.path.isdir(target):
            raise ConfigError("cannot write %s: it is a directory" % shown(target))


def _first_missing(path):
    """The outermost folder a makedirs(path) would create, or None."""
    path = os.path.abspath(path)
    top = None
    while not os.path.lexists(path):
        top, path = path, os.path.dirname(path)
    return top


@contextlib.contextmanager
def locked(builddir):
    """Hold DIR/.kiln/lock. Yields the outermost folder this created, to remove on failure."""
    created = _first_missing(builddir)
    try:
        os.makedirs(os.path.join(builddir, STATE_DIR), exist_ok=True)
        fd = os.open(os.path.join(builddir, STATE_DIR, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ConfigError("cannot create the build directory %s: %s" % (shown(builddir), _why(e)))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("configure.py: waiting for another configure of %s" % shown(builddir),
                  file=sys.stderr, flush=True)
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield created
    finally:
        os.close(fd)


def _changed(builddir, files):
    out = []
    for rel, text in sorted(files.items()):
        path = os.path.join(builddir, rel)
        try:
            with open(path, "rb") as f:
                if f.read() == text.encode("utf-8"):
                    continue
        except OSError:
            pass
        out.append(rel)
    return out


def _clean_leftovers(builddir, rels):
    """Staged and kept-old files in the folders of rels: ours, or a killed run's."""
    for d in sorted({os.path.join(builddir, os.path.dirname(rel)) for rel in rels}):
        with contextlib.suppress(FileNotFoundError):
            for name in os.listdir(d):
                if name.endswith(NEW) or name.endswith(OLD):
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(os.path.join(d, name))


def _stage(builddir, files, changed):
    for rel in changed:
        target = os.path.join(builddir, rel)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target + NEW, "w", encoding="utf-8") as f:
                f.write(files[rel])
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:
            raise ConfigError("cannot write %s: %s" % (shown(target), _why(e)))


def _commit(builddir, changed):
    """Rename the staged files into place, build.ninja last; undo all of it on failure."""
    order = sorted(changed, key=lambda rel: rel == "build.ninja")
    stamp = os.path.join(builddir, STAMP)
    done = []
    try:
        if os.path.exists(stamp) and changed:
            os.replace(stamp, stamp + OLD)
            done.append(STAMP)
        for rel in order:
            target = os.path.join(builddir, rel)
            if os.path.lexists(target):
                _keep_old(target)
            os.replace(target + NEW, target)
            done.append(rel)
        if not os.path.exists(stamp):
            with open(stamp, "w") as f:
                f.write("configure.py finished writing this directory\n")
        # Both outputs of the regenerate edge newer than every input, or Ninja would
        # regenerate forever.
        os.utime(stamp)
        os.utime(os.path.join(builddir, "build.ninja"))
        COMMITTED.append(builddir)
    except OSError as e:
        failed = getattr(e, "filename", None) or builddir
        for suffix in (NEW, OLD):
            failed = failed[:-len(suffix)] if failed.endswith(suffix) else failed
        undone = _rollback(builddir, done)
        raise ConfigError("cannot write %s: %s; %s" % (
            shown(failed), _why(e), "the build directory is unchanged" if undone else
            "could not restore every old file: run configure again"))


def _keep_old(target):
    try:
        os.link(target, target + OLD, follow_symlinks=False)
    except OSError as e:
        if e.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        shutil.copy2(target, target + OLD, follow_symlinks=False)


def _rollback(builddir, done):
    ok = True
    for rel in reversed(done):
        target = os.path.join(builddir, rel)
        try:
            if os.path.lexists(target + OLD):
                os.replace(target + OLD, target)
            else:
                os.unlink(target)
        except OSError:
            ok = False
    return ok


@contextlib.contextmanager
def signals_held():
    """Defer Ctrl-C, SIGTERM and SIGHUP until the block is done (they arrive after it)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def write_tree(builddir, files):
    """Replace the generated files of builddir by `files` ({rel: text}) as one step.

    Only changed files are rewritten (Ninja then rebuilds only what depends on them);
    build.ninja is always touched."""
    check_writable(builddir, files)
    with locked(builddir) as created:
        try:
            with signals_held():
                _clean_leftovers(builddir, list(files) + [STAMP])
                changed = _changed(builddir, files)
                try:
                    _stage(builddir, files, changed)
                    _commit(builddir, changed)
                finally:
                    _clean_leftovers(builddir, changed + [STAMP])
        except ConfigError:
            if created:
                shutil.rmtree(created, ignore_errors=True)
            raise
