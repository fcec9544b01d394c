"""One write per line to a buffered binary file: the lines go through one binary BufferedWriter (open(path, "ab")), which
CPython documents as thread-safe ("Binary buffered objects ... protect their internal structures
using a lock; it is therefore safe to call them from multiple threads at once"), so each
write_line is ONE f.write(bytes) call and needs no lock of ours.  Our own Condition only guards
the closed flag and a count of writes in flight: close() sets the flag, waits until no write is in
flight, then closes the file once (a gate, like a readers-writer lock: writes share, close is
alone).  fetch_all is the reference design (a locked shared list, lock never held around fetch).
"""

import threading


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "ab")          # BufferedWriter: one write() call is atomic
        self._gate = threading.Condition()
        self._closed = False
        self._in_flight = 0

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        data = (text + "\n").encode("utf-8")
        with self._gate:
            if self._closed:
                raise ValueError("write_line() after close()")
            self._in_flight += 1
        try:
            self._file.write(data)             # no lock of ours: the BufferedWriter serialises writes
        finally:
            with self._gate:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._gate.notify_all()

    def close(self):
        with self._gate:
            if self._closed:
                return
            self._closed = True
            self._gate.wait_for(lambda: self._in_flight == 0)
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pending = list(urls)
    lock = threading.Lock()
    written = 0

    def worker(writer):
        nonlocal written
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            with lock:
                written += 1

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return written
