"""Wrong: only refuses a text that ends with a newline; an embedded newline splits the line."""
import threading
class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, text):
        if text.endswith("\n"):
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

