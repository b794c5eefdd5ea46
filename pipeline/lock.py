"""One run at a time per OUT: a POSIX lock on ``OUT/.lock``, which holds who took it.

The kernel (or an NFS lock manager) drops the lock when its process dies, however it dies,
so a lock left by a killed run never blocks the next one: that run finds the file still
naming the dead run, takes the lock and says so. The lock is per process, so worker
processes forked by the run neither hold nor release it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pipeline.stages.write import write_error

LOCK = ".lock"


class OutLocked(Exception):
    """Another run is writing the same OUT."""


@contextlib.contextmanager
def hold_lock(out: Path) -> Iterator[None]:
    """Hold OUT's lock for the block; raise OutLocked at once if another run holds it."""
    path = out / LOCK
    try:
        out.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held open for the whole block)
    except OSError as error:
        raise write_error(error, path) from None
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutLocked(f"{out} is being written by another run ({_holder(handle) or 'starting'}); "
                            f"try again when it has finished") from None
        left = _holder(handle)
        if left:
            print(f"note: taking over the lock of a run that did not finish ({left})", file=sys.stderr)
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                     "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}))
            handle.flush()
        except OSError as error:
            raise write_error(error, path) from None
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                handle.truncate(0)  # an empty lock file marks a run that ended, however it ended
    finally:
        handle.close()  # releases the lock


def _holder(handle) -> str:
    """Who the lock file names: ``pid 123 on host h, started …``, or '' when it names nobody."""
    handle.seek(0)
    try:
        holder = json.loads(handle.read() or "null")
    except ValueError:
        return "unreadable lock file"
    if not isinstance(holder, dict):
        return ""
    return f"pid {holder.get('pid')} on host {holder.get('host')}, started {holder.get('started')}"
