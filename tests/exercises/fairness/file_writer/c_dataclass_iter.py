"""Dataclass writer with a lock field; workers share a bare list iterator (next() on it is atomic in C)."""
import threading
from dataclasses import dataclass, field


@dataclass
class SafeFileWriter:
    path: str
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _file: object = field(init=False, default=None)

    def __post_init__(self):
        self._file = open(self.path, "a", encoding="utf-8")

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("line contains a newline")
        line = text + "\n"
        with self._lock:
            if self._file is None:
                raise ValueError("write after close")
            self._file.write(line)

    def close(self):
        with self._lock:
            f, self._file = self._file, None
        if f is not None:
            f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    source = iter(list(urls))
    results = []

    def worker(writer):
        for url in source:
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            results.append(url)

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return len(results)
