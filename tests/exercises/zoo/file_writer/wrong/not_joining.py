"""Not joining: fetch_all returns while its threads are still downloading.
"""

import threading


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        with self._lock:
            if self._closed:
                raise ValueError("the writer is closed")
            self._file.write(text + "\n")

    def close(self):
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
    writer = SafeFileWriter(path)

    def worker():
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")

    for _ in range(n_threads):
        threading.Thread(target=worker).start()
    return len(urls)
