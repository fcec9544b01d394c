"""One signed int holds the whole state (-1 a writer, n >= 0 readers), waiting writers are a set of tokens, and guard objects serve as context managers.
"""
import threading

WRITER = -1


class _Guard:
    def __init__(self, enter, leave):
        self.enter, self.leave = enter, leave

    def __enter__(self):
        self.enter()

    def __exit__(self, typ, val, tb):
        self.leave()


class RWLock:
    def __init__(self):
        self.cv = threading.Condition(threading.Lock())
        self.state = 0          # -1: writer inside, 0: free, n: n readers
        self.pending = set()    # one object() per writer that is waiting

    def acquire_read(self, timeout=None):
        with self.cv:
            if not self.cv.wait_for(lambda: self.state >= 0 and not self.pending, timeout=timeout):
                return False
            self.state += 1
            return True

    def release_read(self):
        with self.cv:
            if self.state <= 0:
                raise RuntimeError("not read-locked")
            self.state -= 1
            self.cv.notify_all()

    def acquire_write(self, timeout=None):
        me = object()
        with self.cv:
            self.pending.add(me)
            ok = self.cv.wait_for(lambda: self.state == 0, timeout=timeout)
            self.pending.discard(me)
            if ok:
                self.state = WRITER
            self.cv.notify_all()
            return ok

    def release_write(self):
        with self.cv:
            if self.state != WRITER:
                raise RuntimeError("not write-locked")
            self.state = 0
            self.cv.notify_all()

    def read_locked(self):
        return _Guard(self.acquire_read, self.release_read)

    def write_locked(self):
        return _Guard(self.acquire_write, self.release_write)
