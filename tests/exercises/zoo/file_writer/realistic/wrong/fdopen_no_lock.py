"""os.fdopen without a lock: the file opened another way, and written by every thread at once.
"""

import os
import threading


class SafeFileWriter:
    def __init__(self, path):
        self._file = os.fdopen(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644), "a")
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("no newlines in a line")
        if self._closed:
            raise ValueError("writer is closed")
        self._file.write(text + "\n")

    def close(self):
        if not self._closed:
            self._closed = True
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

