"""A dedicated writer thread fed by a queue; fetch_all takes URLs from a Queue."""
import queue
import threading

_STOP = object()


class SafeFileWriter:
    def __init__(self, path):
        self._file = open(path, "a", encoding="utf-8")
        self._q = queue.Queue()
        self._state = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self):
        while True:
            item = self._q.get()
            if item is _STOP:
                break
            self._file.write(item)
        self._file.close()

    def write_line(self, text):
        if "\n" in text:
            raise ValueError("a line cannot contain a newline")
        with self._state:
            if self._closed:
                raise ValueError("writer is closed")
            self._q.put(text + "\n")

    def close(self):
        with self._state:
            if self._closed:
                return
            self._closed = True
            self._q.put(_STOP)
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    todo = queue.Queue()
    for url in urls:
        todo.put(url)
    done = queue.Queue()

    def worker(writer):
        while True:
            try:
                url = todo.get_nowait()
            except queue.Empty:
                return
            body = fetch(url)
            writer.write_line(f"{url}\t{len(body)}")
            done.put(url)

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return done.qsize()
