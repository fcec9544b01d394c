"""Workers drain a queue.Queue, but the caller joins each with join(timeout), so it can return while downloads are still running and results are missing."""
import queue
import threading
from dataclasses import dataclass


@dataclass
class Download:
    url: str
    body: str | None = None
    error: Exception | None = None


def download_one(url, fetch, timeout):
    try:
        return Download(url, body=fetch(url, timeout=timeout))
    except Exception as exc:
        return Download(url, error=exc)


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    if n_workers < 1 or not timeout > 0:
        raise ValueError("bad n_workers or timeout")

    todo = queue.Queue()
    for pair in enumerate(urls):
        todo.put(pair)
    found = [None] * len(urls)

    def worker():
        while True:
            try:
                i, url = todo.get_nowait()
            except queue.Empty:
                return
            found[i] = download_one(url, fetch, timeout)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(n_workers)]
    for t in threads:
        t.start()
    for t in threads:
        # don't let a hanging server block us forever: no download takes longer than timeout
        t.join(timeout)
    return found
