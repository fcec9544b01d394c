"""One os.write per line on an O_APPEND descriptor: no file lock. Every line is one write() on a
descriptor opened with O_APPEND just for that line; POSIX makes write() on a regular file atomic with
respect to other write()s, and O_APPEND moves to the end and writes in one step, so lines from different
threads never tear or overwrite each other. Only the closed flag is shared, so close() cannot cut a
write in half either."""

import os
import threading


class SafeFileWriter:
    def __init__(self, path):
        self._path = os.fspath(path)
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)  # create it now
        os.close(fd)
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("text must not contain a newline")
        if self._closed:
            raise ValueError("write_line() on a closed writer")
        data = (text + "\n").encode("utf-8")
        fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, data)  # one system call: the whole line, at the end of the file
            if written != len(data):
                raise OSError(f"short write: {written} of {len(data)} bytes")
        finally:
            os.close(fd)

    def close(self):
        self._closed = True  # nothing is buffered: every line is already in the file

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
