"""No lock around the write: lines from different threads tear into each other.
"""

import threading


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        if self._closed:
            raise ValueError("the writer is closed")
        self._file.write(text + "\n")  # "a single write is atomic", or so it seems

    def close(self):
        with self._lock:
            if not self._closed:
                self._closed = True
                self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
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
