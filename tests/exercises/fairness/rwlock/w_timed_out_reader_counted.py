"""A reader whose timeout runs out still adds itself to the reader count before returning False, so a phantom reader keeps every writer out.

Readers-writer lock (exercise 7).
"""

import threading
from contextlib import contextmanager


class RWLock:
    def __init__(self) -> None:
        self._cv = threading.Condition()
        self._num_readers = 0
        self._has_writer = False
        self._writers_waiting = 0

    def acquire_read(self, timeout=None) -> bool:
        with self._cv:
            result = self._cv.wait_for(
                lambda: not self._has_writer and self._writers_waiting == 0, timeout
            )
            # we are in (or gave up) -> count ourselves
            self._num_readers += 1
            return result

    def release_read(self) -> None:
        with self._cv:
            if self._num_readers == 0:
                raise RuntimeError("release_read() without acquire_read()")
            self._num_readers -= 1
            if self._num_readers == 0:
                self._cv.notify_all()

    def acquire_write(self, timeout=None) -> bool:
        with self._cv:
            self._writers_waiting += 1
            try:
                result = self._cv.wait_for(
                    lambda: not self._has_writer and self._num_readers == 0, timeout
                )
            finally:
                self._writers_waiting -= 1
            if result:
                self._has_writer = True
            else:
                self._cv.notify_all()
            return result

    def release_write(self) -> None:
        with self._cv:
            if not self._has_writer:
                raise RuntimeError("release_write() without acquire_write()")
            self._has_writer = False
            self._cv.notify_all()

    @contextmanager
    def read_locked(self):
        self.acquire_read()
        try:
            yield
        finally:
            self.release_read()

    @contextmanager
    def write_locked(self):
        self.acquire_write()
        try:
            yield
        finally:
            self.release_write()
