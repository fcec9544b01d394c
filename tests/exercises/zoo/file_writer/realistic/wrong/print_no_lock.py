"""print(text, file=f) without a lock: print writes the text and the newline in two calls; threads cut in between.
"""

import threading
from pathlib import Path


class SafeFileWriter:
    def __init__(self, path):
        self.file = Path(path).open("a", encoding="utf-8")
        self.closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        if self.closed:
            raise ValueError("closed")
        print(text, file=self.file, flush=True)

    def close(self):
        if not self.closed:
            self.closed = True
            self.file.close()

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

