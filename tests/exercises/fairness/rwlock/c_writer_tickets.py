"""Writers take numbered tickets and go in first-come first-served from a deque; waits count down to a time.monotonic deadline.

Design notes (for my own sanity):
  * every writer that asks appends its ticket to self.writer_line
  * a writer may go in only when it is at the front of the line AND the room is empty
  * a reader may go in only when no writer is inside and the line is empty
    (so a waiting writer always beats readers that come after it)
  * a writer that times out removes its own ticket, and wakes everybody, because the
    readers behind it (or the next writer) may be able to go now
"""
import itertools
import threading
import time
from collections import deque
from contextlib import contextmanager


class RWLock:

    def __init__(self):
        self.mutex = threading.Lock()
        self.changed = threading.Condition(self.mutex)
        self.readers_inside = 0
        self.writer_inside = False
        self.writer_line = deque()
        self.tickets = itertools.count(1)

    # wait until ok() is true, or until the deadline passes.  caller holds self.mutex
    def _wait_until(self, ok, timeout):
        if timeout is None:
            while not ok():
                self.changed.wait()
            return True
        deadline = time.monotonic() + timeout
        while not ok():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            self.changed.wait(remaining)
        return True

    def acquire_read(self, timeout=None):
        with self.mutex:
            got_in = self._wait_until(
                lambda: not self.writer_inside and len(self.writer_line) == 0, timeout)
            if got_in:
                self.readers_inside += 1
            return got_in

    def release_read(self):
        with self.mutex:
            if self.readers_inside == 0:
                raise RuntimeError("no reader to release")
            self.readers_inside -= 1
            if self.readers_inside == 0:
                self.changed.notify_all()

    def acquire_write(self, timeout=None):
        with self.mutex:
            my_ticket = next(self.tickets)
            self.writer_line.append(my_ticket)

            def my_turn():
                return (self.writer_line[0] == my_ticket
                        and not self.writer_inside and self.readers_inside == 0)

            got_in = self._wait_until(my_turn, timeout)
            self.writer_line.remove(my_ticket)
            if got_in:
                self.writer_inside = True
            else:
                # gave up: the next writer may be at the front now, and readers
                # may not have anyone to wait for any more
                self.changed.notify_all()
            return got_in

    def release_write(self):
        with self.mutex:
            if not self.writer_inside:
                raise RuntimeError("no writer to release")
            self.writer_inside = False
            self.changed.notify_all()

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
