"""The calling thread works as one of the n_workers itself, next to n_workers - 1 helper threads, all popping (index, url) jobs off a shared deque."""
import collections
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
    except Exception as err:
        return Download(url, error=err)


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    if n_workers < 1:
        raise ValueError("n_workers < 1")
    if not timeout > 0:
        raise ValueError("timeout <= 0")
    todo = collections.deque(enumerate(urls))
    res = [None] * len(urls)

    def work():
        while True:
            try:
                i, u = todo.popleft()  # deque.popleft is atomic, no lock needed
            except IndexError:
                return
            res[i] = download_one(u, fetch, timeout)

    # why let the caller sit idle? it is worker number n
    helpers = [threading.Thread(target=work) for _ in range(n_workers - 1)]
    for h in helpers:
        h.start()
    work()
    for h in helpers:
        h.join()
    return res
