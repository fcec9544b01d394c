"""multiprocessing ThreadPool: imap_unordered over the URLs, a BoundedSemaphore(1) as the writer's mutex."""
import threading
from multiprocessing.pool import ThreadPool


class SafeFileWriter:
    def __init__(self, path) -> None:
        self._guard = threading.BoundedSemaphore(1)
        self._file = open(path, mode="a", encoding="utf-8")
        self.closed = False

    def write_line(self, text: str) -> None:
        if "\n" in text:
            raise ValueError(text)
        with self._guard:
            if self.closed:
                raise ValueError("closed")
            self._file.write(f"{text}\n")

    def close(self) -> None:
        with self._guard:
            if not self.closed:
                self.closed = True
                self._file.flush()
                self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        self.close()
        return False


def fetch_all(urls, fetch, path, n_threads=4):
    with SafeFileWriter(path) as writer:
        def one(url):
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            return 1

        with ThreadPool(n_threads) as pool:
            written = sum(pool.imap_unordered(one, list(urls)))
            pool.close()
            pool.join()
    return written
