"""RWLock is itself a subclass of threading.Condition: it waits and notifies on self, with the timeout=0 case answered without waiting.

I thought: the lock IS a condition with some extra bookkeeping, so why not inherit.
"""
import threading
from contextlib import contextmanager


class RWLock(threading.Condition):
    """Readers share, a writer is alone, waiting writers go before new readers."""

    def __init__(self):
        super().__init__(threading.Lock())
        self.nreaders = 0
        self.writing = False
        self.writers_waiting = 0

    def _reader_may_enter(self):
        return not self.writing and self.writers_waiting == 0

    def _writer_may_enter(self):
        return not self.writing and self.nreaders == 0

    def acquire_read(self, timeout=None):
        with self:
            if timeout == 0:
                # don't wait at all, just look
                if not self._reader_may_enter():
                    return False
            elif not self.wait_for(self._reader_may_enter, timeout):
                return False
            self.nreaders += 1
            return True

    def release_read(self):
        with self:
            if self.nreaders == 0:
                raise RuntimeError("release_read(): lock is not held by a reader")
            self.nreaders -= 1
            if self.nreaders == 0:
                self.notify_all()

    def acquire_write(self, timeout=None):
        with self:
            if timeout == 0:
                if not self._writer_may_enter():
                    return False
                self.writing = True
                return True
            self.writers_waiting += 1
            try:
                entered = self.wait_for(self._writer_may_enter, timeout)
            finally:
                self.writers_waiting -= 1
            if entered:
                self.writing = True
            else:
                self.notify_all()    # readers held back by me can go now
            return entered

    def release_write(self):
        with self:
            if not self.writing:
                raise RuntimeError("release_write(): lock is not held by a writer")
            self.writing = False
            self.notify_all()

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
