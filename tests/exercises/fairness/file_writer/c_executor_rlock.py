"""RLock writer; fetch_all with a ThreadPoolExecutor of n_threads workers pulling from a shared iterator."""
import threading
from concurrent.futures import ThreadPoolExecutor
class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.RLock()
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("newline in text")
        with self._lock:
            if self._closed:
                raise ValueError("closed")
            self._file.write(text + "\n")

    def close(self):
        with self._lock:
            if not self._closed:
                self._closed = True
                self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    it = iter(list(urls))
    take = threading.Lock()

    def worker(writer):
        n = 0
        while True:
            with take:
                url = next(it, None)
            if url is None:
                return n
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            n += 1

    with SafeFileWriter(path) as writer, ThreadPoolExecutor(max_workers=n_threads) as pool:
        futures = [pool.submit(worker, writer) for _ in range(n_threads)]
        return sum(f.result() for f in futures)
