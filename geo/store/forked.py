"""Encode a big list of records into Arrow batches in two processes: the first part here, the rest at the same
time in a forked child, which sees the records without copying them (the pages are shared) and hands its batches
back one by one as Arrow IPC files.

GDAL holds the GIL while it writes, and encoding is Python work, so a thread cannot overlap them; a child process
can. The caller encodes and writes the first part while the child encodes the rest, then writes the child's
batches as they come, each read from a memory-mapped file (no copy). Only on Linux, where ``fork`` is the process
start method and pyarrow resets its thread pool in a child; elsewhere, and for small inputs, everything is
encoded here.

>>> with encoded_in_two([1, 2, 3], lambda part: iter([list(part)]), Path(".")) as batches:  # small: no child
...     list(batches)
[[1, 2, 3]]
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow

__all__ = ["MIN_RECORDS", "PARENT_SHARE", "Batches", "ChildFailed", "encoded_in_two"]

log = logging.getLogger(__name__)

#: Below this many records, everything is encoded in this process (a fork and the child's file cost more).
MIN_RECORDS = 200_000
#: The share of the records this process encodes: it then writes them while the child encodes the rest, whose
#: batches it writes as they come (1M records, two runs each in one slow phase of the VM: one process 25.7 / 29.7 s,
#: a share of 0.4 23.1 / 23.7 s, of 0.3 21.1 / 22.1 s).
PARENT_SHARE = 0.3


class ChildFailed(ValueError):
    """The child process did not encode its part (it raised, or was killed); the caller encodes it all here."""


class Batches:
    """The batches of the records, in order, as an iterator; :attr:`error` holds the exception that stopped it
    (GDAL reports a failing input stream only as "error while accessing batch")."""

    def __init__(self, batches: Iterator[pyarrow.RecordBatch]) -> None:
        self._batches = batches
        self.error: BaseException | None = None

    def __iter__(self) -> Iterator[pyarrow.RecordBatch]:
        try:
            yield from self._batches
        except BaseException as exc:  # Ctrl-C too: GDAL would turn it into an error reading a batch
            self.error = exc
            raise


def _can_fork(n: int) -> bool:
    return n >= MIN_RECORDS and sys.platform.startswith("linux") and hasattr(os, "fork")


@contextmanager
def encoded_in_two(records: Sequence[Any], encode: Callable[[Sequence[Any]], Iterator[pyarrow.RecordBatch]],
                   folder: Path) -> Iterator[Batches]:
    """The batches of ``encode(records)`` in record order, the last ``1 - PARENT_SHARE`` of them encoded by a
    forked child while the caller consumes the first ones. The child writes each batch to an Arrow IPC file in a
    temporary directory in ``folder`` (beside the store being written) and says so through a pipe; each is read
    back memory-mapped when it is wanted. An error in the child raises :class:`ChildFailed` from the iterator."""
    if not _can_fork(len(records)):
        yield Batches(encode(records))
        return
    split = int(len(records) * PARENT_SHARE)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".geo-encode-") as name:
        ready, say = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about forking a process with threads (numpy's BLAS and pyarrow start some); the
            # child runs only the encoder, and both libraries reset their threads in a child
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: encode the rest into files, then leave without running the parent's exit code
            os.close(ready)
            _child(records[split:], encode, Path(name), say)
        os.close(say)
        child = _Child(pid, ready)
        log.debug("encoding records %d-%d in process %d", split, len(records), pid)
        try:
            yield Batches(_batches(records[:split], encode, child, Path(name)))
        finally:
            child.stop()


class _Child:
    """The forked encoder: its process, waited for exactly once, and the read end of the pipe it signals on."""

    def __init__(self, pid: int, ready: int) -> None:
        self.pid: int | None = pid
        self.ready = ready

    def wait(self) -> int:
        """Its wait status, once it has ended."""
        assert self.pid is not None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return status

    def stop(self) -> None:
        """End it now if it still runs (the caller stopped early), reap it, close the pipe."""
        if self.pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with suppress(ChildProcessError):
                os.waitpid(self.pid, 0)
            self.pid = None
        with suppress(OSError):
            os.close(self.ready)


#: What the child writes to the pipe: a batch file is complete, or all are (a pipe closed without the second
#: means the child failed).
_BATCH, _DONE = b"+", b"."


def _child(records: Sequence[Any], encode: Callable[[Sequence[Any]], Iterator[pyarrow.RecordBatch]],
           folder: Path, say: int) -> None:
    status = 1  # any failure: the parent sees the pipe close without _DONE and encodes this part itself
    try:
        import pyarrow
        import pyarrow.ipc

        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child at once; the parent cleans up
        for index, batch in enumerate(encode(records)):
            with pyarrow.OSFile(str(folder / f"{index}.arrow"), "wb") as sink, \
                    pyarrow.ipc.new_file(sink, batch.schema) as writer:
                writer.write_batch(batch)
            os.write(say, _BATCH)
        os.write(say, _DONE)
        status = 0
    finally:
        os._exit(status)  # never returns: no exception escapes, no exit code of the parent runs


def _batches(first: Sequence[Any], encode: Callable[[Sequence[Any]], Iterator[pyarrow.RecordBatch]],
             child: _Child, folder: Path) -> Iterator[pyarrow.RecordBatch]:
    import pyarrow
    import pyarrow.ipc

    yield from encode(first)
    index = 0
    while (mark := os.read(child.ready, 1)) == _BATCH:  # waits for the child's next batch
        yield pyarrow.ipc.open_file(pyarrow.memory_map(str(folder / f"{index}.arrow"))).get_batch(0)  # no copy
        index += 1
    status = child.wait()
    if mark != _DONE or status != 0:
        raise ChildFailed(f"the process encoding the second part of the records failed (wait status {status})")
