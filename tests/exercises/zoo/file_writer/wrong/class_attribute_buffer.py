"""A class attribute shared by every instance: all writers buffer their lines in one list.
"""

import threading


class SafeFileWriter:
    _pending = []  # lines waiting to be written: one list for every writer there is
    _lock = threading.Lock()

    def __init__(self, path):
        self._path = path
        self._closed = False
        open(path, "a").close()

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        with self._lock:
            if self._closed:
                raise ValueError("the writer is closed")
            self._pending.append(text + "\n")

    def close(self):
        with self._lock:
            if self._closed:
                return
            self._closed = True
            with open(self._path, "a") as handle:
                handle.writelines(self._pending)
            self._pending.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pending = list(urls)
    lock = threading.Lock()
    written = 0

    def worker(writer):
        nonlocal written
        while True:
            with lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            with lock:
                written += 1

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return written
