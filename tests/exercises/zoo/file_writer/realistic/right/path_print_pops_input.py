"""Path.open and print(file=): lines printed under a Lock; fetch_all pops URLs from the very list it was given.
"""

import threading
from pathlib import Path


class SafeFileWriter:
    def __init__(self, path):
        self.file = Path(path).open("a", encoding="utf-8")
        self.lock = threading.RLock()
        self.closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        with self.lock:
            if self.closed:
                raise ValueError("closed")
            print(text, file=self.file)

    def close(self):
        with self.lock:
            if not self.closed:
                self.closed = True
                self.file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    lock = threading.Lock()
    written = 0

    def worker(writer):
        nonlocal written
        while True:
            with lock:
                if not urls:
                    break
                url = urls.pop(0)
            page = fetch(url)
            writer.write_line(f"{url}\t{len(page)}")
            with lock:
                written += 1

    writer = SafeFileWriter(path)
    threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.close()
    return written
