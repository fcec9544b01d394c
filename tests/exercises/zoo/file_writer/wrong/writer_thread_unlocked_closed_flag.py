"""A writer thread fed by a queue, and write_line checks the closed flag without the lock close() takes:
a close() between the check and the put queues the stop before the line, which is never written
although write_line returned normally."""
import queue
import threading

_STOP = object()


class SafeFileWriter:
    def __init__(self, path) -> None:
        self._file = open(path, "a", encoding="utf-8")
        self._queue = queue.Queue()
        self._closed = False
        self._close_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            self._file.write(item)

    def write_line(self, text: str) -> None:
        if "\n" in text:
            raise ValueError("newline in text")
        if self._closed:
            raise ValueError("closed")
        self._queue.put(text + "\n")

    def close(self) -> None:
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._queue.put(_STOP)
        self._thread.join()
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def fetch_all(urls, fetch, path, n_threads=4):
    pending = queue.Queue()
    for url in urls:
        pending.put(url)
    done = queue.Queue()

    def worker(writer):
        while True:
            try:
                url = pending.get_nowait()
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
