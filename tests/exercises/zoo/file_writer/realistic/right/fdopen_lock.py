"""os.fdopen over os.open: the file is opened with O_APPEND | O_CREAT, then wrapped; one Lock for writes and close.
"""

import os
import threading


class SafeFileWriter:
    def __init__(self, path):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._file = os.fdopen(fd, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._open = True

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("no newlines in a line")
        with self._lock:
            if not self._open:
                raise ValueError("writer is closed")
            self._file.write(text + "\n")

    def close(self):
        with self._lock:
            if self._open:
                self._open = False
                self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    todo = list(urls)
    take = threading.Lock()
    count = [0]

    def worker(writer):
        while True:
            with take:
                if not todo:
                    return
                url = todo.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            with take:
                count[0] += 1

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return count[0]

