"""ThreadPoolExecutor: fetch_all maps fetch over the URLs in a pool; a Condition serves as the writer's lock.
"""

import threading
from concurrent.futures import ThreadPoolExecutor


class SafeFileWriter:
    def __init__(self, path):
        self.path = path
        self.cond = threading.Condition()
        self.handle = open(path, "a")

    def write_line(self, text):
        if text.count("\n"):
            raise ValueError("text must be a single line")
        with self.cond:
            if self.handle is None:
                raise ValueError("writer closed")
            self.handle.write(f"{text}\n")

    def close(self):
        with self.cond:
            if self.handle is not None:
                self.handle.close()
                self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    def download(url):
        return url, fetch(url)

    count = 0
    with SafeFileWriter(path) as writer, ThreadPoolExecutor(max_workers=n_threads) as pool:
        for url, body in pool.map(download, urls):  # results come back in the calling thread
            writer.write_line(f"{url}\t{len(body)}")
            count += 1
    return count
