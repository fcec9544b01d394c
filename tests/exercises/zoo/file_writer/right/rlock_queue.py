"""RLock and Queue: an RLock guards the file (close() re-enters it through flush); a queue.Queue hands out URLs.
"""

import queue
import threading
from pathlib import Path


class SafeFileWriter:
    def __init__(self, path):
        self._lock = threading.RLock()
        self._file = Path(path).open("a", encoding="utf-8")

    def write_line(self, text: str) -> None:
        if "\n" in text:
            raise ValueError(f"{text!r} contains a newline")
        with self._lock:
            if self._file.closed:
                raise ValueError("write_line() after close()")
            print(text, file=self._file)  # two writes ("text", then "\n"), both under the lock

    def flush(self):
        with self._lock:
            if not self._file.closed:
                self._file.flush()

    def close(self):
        with self._lock:
            self.flush()
            self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False


def fetch_all(urls, fetch, path, n_threads=4):
    todo = queue.Queue()
    for url in urls:
        todo.put(url)
    done = queue.Queue()

    def worker(writer):
        while True:
            try:
                url = todo.get_nowait()
            except queue.Empty:
                return
            writer.write_line(f"{url}\t{len(fetch(url))}")
            done.put(url)

    with SafeFileWriter(path) as writer:
        workers = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
    return done.qsize()
