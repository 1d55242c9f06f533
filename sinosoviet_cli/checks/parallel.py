"""Segmenting a long draft's notes on both cores.

Segmenting and parsing a note depends on its text alone (resolution of short forms and
ibids, which depends on the notes before, stays sequential in the caller), so the
distinct note texts of a long draft are cut into chunks that this process and one
forked worker take in turn from a shared counter (a worker on a busy core simply takes
fewer). Results are the serial ones: the same function on the same texts, returned by
text. Where ``fork`` is unavailable, or the draft is short, everything runs here.
"""

from __future__ import annotations

import copyreg
import io
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.sharedctypes import Synchronized

_R = TypeVar("_R")

#: Distinct note texts from which a second process pays for its start and the transfer.
PARALLEL_MIN = 400
#: Texts per chunk: small enough to balance two cores, large enough to be cheap to hand out.
CHUNK = 128


def workers(n: int, jobs: int | None = None) -> int:
    """Processes for ``n`` items: ``jobs`` (at most 2) if given, else 2 from
    ``PARALLEL_MIN`` items on a machine of several cores; always 1 without fork."""
    if not _can_fork():
        return 1
    if jobs is not None:
        return max(1, min(jobs, 2))
    return 1 if n < PARALLEL_MIN else min(2, os.cpu_count() or 1)


def _can_fork() -> bool:
    import multiprocessing

    return os.name == "posix" and "fork" in multiprocessing.get_all_start_methods()


def map_distinct(func: Callable[[str], _R], texts: Iterable[str], *,
                 jobs: int | None = None,
                 meanwhile: Callable[[], object] | None = None) -> dict[str, _R]:
    """``{text: func(text)}`` for the distinct non-empty ``texts``, computed in this
    process and, for many texts, one forked worker (``jobs``: 1 forces one process).
    ``func`` must be pure; its results must pickle (mapping proxies are sent as dicts).
    ``meanwhile`` runs here first, while the worker has already begun."""
    distinct = list(dict.fromkeys(t for t in texts if t))
    if workers(len(distinct), jobs) == 1:
        if meanwhile is not None:
            meanwhile()
        return {t: func(t) for t in distinct}
    chunks = [distinct[i:i + CHUNK] for i in range(0, len(distinct), CHUNK)]
    done = _run_forked(func, chunks, meanwhile)
    return {t: r for i, part in enumerate(chunks) for t, r in zip(part, done[i], strict=True)}


def _run_forked(func: Callable[[str], _R], chunks: Sequence[list[str]],
                meanwhile: Callable[[], object] | None = None) -> dict[int, list[_R]]:
    """Chunk index → results. The worker ignores Ctrl-C: the parent alone is interrupted
    and ends it. A worker that fails sends nothing; its chunks are computed here (where
    a real error in ``func`` is raised as the serial run would raise it)."""
    import multiprocessing
    import signal

    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    receive, send = ctx.Pipe(duplex=False)
    for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
        stream.flush()
    # Ctrl-C is held while forking: the worker starts with it blocked (and ignores it
    # before unblocking), and one pressed meanwhile reaches this process just after.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        worker = ctx.Process(target=_worker, args=(func, chunks, counter, send), daemon=True)
        worker.start()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        raise
    send.close()
    done: dict[int, list[_R]] = {}
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        if meanwhile is not None:
            meanwhile()
        while (i := _take(counter)) < len(chunks):
            done[i] = [func(t) for t in chunks[i]]
        done.update(_receive(receive))
    finally:
        receive.close()
        if worker.is_alive() and len(done) < len(chunks):
            worker.terminate()
        worker.join()
    for i, chunk in enumerate(chunks):  # what a failed worker had taken
        if i not in done:
            done[i] = [func(t) for t in chunk]
    return done


def _take(counter: Synchronized[int]) -> int:
    with counter.get_lock():
        i = counter.value
        counter.value = i + 1
    return i


def _receive(conn: Connection) -> dict[int, list[Any]]:
    try:
        data = conn.recv_bytes()
    except (EOFError, OSError):
        return {}
    got: dict[int, list[Any]] = pickle.loads(data) if data else {}
    return got


def _worker(func: Callable[[str], Any], chunks: Sequence[list[str]],
            counter: Synchronized[int], conn: Connection) -> None:  # pragma: no cover - child
    """Take chunks until none are left, send the results, and leave at once (no exit
    handlers: the parent's buffers and threads are not the worker's to flush)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent alone answers Ctrl-C
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    code = 0
    try:
        out: dict[int, list[Any]] = {}
        while (i := _take(counter)) < len(chunks):
            out[i] = [func(t) for t in chunks[i]]
        conn.send_bytes(dumps(out))
    except BaseException:  # the parent sees the pipe close and does these chunks itself
        code = 1
    finally:
        os._exit(code)


def _proxy(items: dict[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(items)


def _reduce_proxy(value: MappingProxyType[str, Any]) -> tuple[Any, tuple[dict[str, Any]]]:
    return _proxy, (dict(value),)


def dumps(value: object) -> bytes:
    """``pickle.dumps`` that also sends read-only mappings (a Reference's ``extra``),
    without registering anything globally."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    table = copyreg.dispatch_table.copy()
    table[MappingProxyType] = _reduce_proxy
    pickler.dispatch_table = table
    pickler.dump(value)
    return buffer.getvalue()
