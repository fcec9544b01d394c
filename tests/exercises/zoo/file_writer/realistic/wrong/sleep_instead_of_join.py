"""fetch_all sleeps instead of joining: time.sleep(0.5), then it closes the file and counts.
"""

import threading
import time


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("no newlines in a line")
        with self._lock:
            if self._closed:
                raise ValueError("writer is closed")
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
    todo = list(urls)
    take = threading.Lock()
    lines = []
    writer = SafeFileWriter(path)

    def worker():
        while True:
            with take:
                if not todo:
                    return
                url = todo.pop()
            body = fetch(url)
            try:
                writer.write_line(f"{url}\t{len(body)}")
            except ValueError:
                return
            lines.append(url)

    for _ in range(n_threads):
        threading.Thread(target=worker, daemon=True).start()
    time.sleep(0.5)  # the downloads are quick
    writer.close()
    return len(lines)
