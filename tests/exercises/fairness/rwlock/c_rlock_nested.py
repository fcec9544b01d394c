"""A Condition on an RLock, so small helper methods can take the lock again while it is held, and wait_for does the waiting.

Exercise 7 - readers-writer lock.
I used an RLock under the Condition because my helpers (_can_read, _can_write, _bump)
also do `with self._cond:` and they get called from places that already hold it.
wait_for(predicate, timeout) re-checks the predicate after every wake-up and handles
the timeout, so I don't need my own loop.
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self):
        self._cond = threading.Condition(threading.RLock())
        self._active_readers = 0
        self._writer_active = False
        self._writers_queued = 0   # writers who asked but are not in yet

    # ---- helpers (all safe to call with or without the lock held, thanks to the RLock)

    def _can_read(self):
        with self._cond:
            # writer preference: a queued writer blocks NEW readers
            return not self._writer_active and self._writers_queued == 0

    def _can_write(self):
        with self._cond:
            return not self._writer_active and self._active_readers == 0

    def _bump_queue(self, delta):
        with self._cond:
            self._writers_queued += delta

    # ---- readers

    def acquire_read(self, timeout=None):
        with self._cond:
            ok = self._cond.wait_for(self._can_read, timeout)
            if ok:
                self._active_readers += 1
            return bool(ok)

    def release_read(self):
        with self._cond:
            if self._active_readers <= 0:
                raise RuntimeError("release_read called but no reader holds the lock")
            self._active_readers -= 1
            if self._active_readers == 0:
                # the room is empty -> a writer (or anyone) may go now
                self._cond.notify_all()

    # ---- writers

    def acquire_write(self, timeout=None):
        with self._cond:
            self._bump_queue(+1)
            try:
                ok = self._cond.wait_for(self._can_write, timeout)
            finally:
                self._bump_queue(-1)
            if not ok:
                # I gave up: readers I was holding back must be told
                self._cond.notify_all()
                return False
            self._writer_active = True
            return True

    def release_write(self):
        with self._cond:
            if not self._writer_active:
                raise RuntimeError("release_write called but no writer holds the lock")
            self._writer_active = False
            self._cond.notify_all()

    # ---- context managers

    @contextmanager
    def read_locked(self):
        self.acquire_read()
        try:
            yield self
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self):
        self.acquire_write()
        try:
            yield self
        finally:
            self.release_write()
