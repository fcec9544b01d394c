"""Opens the file in append mode for every line, under a class-level lock made at import."""
import threading
from pathlib import Path


class SafeFileWriter:
    _lock = threading.Lock()

    def __init__(self, path):
        self.path = Path(path)
        self.path.touch()
        self.closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("one line at a time, please")
        with SafeFileWriter._lock:
            if self.closed:
                raise ValueError("this writer is closed")
            with self.path.open("a", encoding="utf-8") as f:
                f.write(text + "\n")

    def close(self):
        with SafeFileWriter._lock:
            self.closed = True

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

