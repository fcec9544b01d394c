"""deque and itertools.count: URLs taken with deque.popleft (atomic in C), lines counted with itertools.count, an RLock
around each write."""
import itertools
import threading
from collections import deque


class SafeFileWriter:
    def __init__(self, path) -> None:
        self._lock = threading.RLock()
        self._file = open(path, "a", encoding="utf-8")

    def _write(self, data):
        with self._lock:
            if self._file is None:
                raise ValueError("writer is closed")
            self._file.write(data)

    def write_line(self, text: str) -> None:
        if "\n" in text:
            raise ValueError("no newlines in a line")
        with self._lock:
            self._write(text + "\n")

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    todo = deque(urls)
    lines = itertools.count()

    def worker(writer):
        while True:
            try:
                url = todo.popleft()
            except IndexError:
                return
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            next(lines)

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return next(lines)
