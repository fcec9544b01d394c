"""A dedicated writer thread: write_line queues the line; only the writer thread touches the file.
"""

import queue
import threading

_STOP = object()


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lines = queue.Queue()
        self._state = threading.Lock()  # makes "closed?" and "queue the line" one step
        self._closed = False
        self._writer = threading.Thread(target=self._write_lines, name="file writer")
        self._writer.start()

    def _write_lines(self):
        while True:
            line = self._lines.get()
            if line is _STOP:
                break
            self._file.write(line)
        self._file.close()

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("newline in text")
        with self._state:
            if self._closed:
                raise ValueError("closed")
            self._lines.put(text + "\n")

    def close(self):
        with self._state:
            if self._closed:
                return
            self._closed = True
            self._lines.put(_STOP)
        self._writer.join()

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pool = list(urls)
    taken = threading.Lock()
    lines = []

    def worker(writer):
        while True:
            with taken:
                if not pool:
                    return
                url = pool.pop()
            line = f"{url}\t{len(fetch(url))}"
            writer.write_line(line)
            lines.append(line)  # list.append is one atomic step

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return len(lines)
