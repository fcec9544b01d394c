"""A synchronized decorator: one module-level RLock, made at import, taken around every method by a decorator.
"""

import functools
import threading
from concurrent.futures import ThreadPoolExecutor

_file_lock = threading.RLock()


def synchronized(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        with _file_lock:
            return method(*args, **kwargs)

    return wrapper


class SafeFileWriter:
    def __init__(self, path):
        self.handle = open(path, mode="a", encoding="utf-8")
        self.is_closed = False

    @synchronized
    def write_line(self, text):
        if "\n" in text:
            raise ValueError("text must be a single line")
        if self.is_closed:
            raise ValueError("write_line() after close()")
        self.handle.write(f"{text}\n")

    @synchronized
    def close(self):
        if not self.is_closed:
            self.is_closed = True
            self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    with SafeFileWriter(path) as writer, ThreadPoolExecutor(n_threads) as pool:
        pages = pool.map(lambda url: (url, fetch(url)), urls)
        count = 0
        for url, page in pages:
            writer.write_line(f"{url}\t{len(page)}")
            count += 1
    return count
