"""Writes each line with one os.write on an O_APPEND descriptor, under a lock."""
import os
import threading


class SafeFileWriter:
    def __init__(self, path):
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("newline in text")
        data = (text + "\n").encode("utf-8")
        with self._lock:
            if self._fd is None:
                raise ValueError("closed")
            while data:
                n = os.write(self._fd, data)
                data = data[n:]

    def close(self):
        with self._lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pending = list(urls)
    lock = threading.Lock()
    count = [0]

    def worker(writer):
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            with lock:
                count[0] += 1

    with SafeFileWriter(path) as writer:
        ts = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    return count[0]

