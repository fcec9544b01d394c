"""One thread per URL: n_workers is ignored and every download starts at once."""

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


def check(n_workers, timeout):
    if n_workers < 1 or not timeout > 0:
        raise ValueError("need at least one worker and a timeout above 0")


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    check(n_workers, timeout)
    results = [None] * len(urls)

    def worker(i):
        results[i] = download_one(urls[i], fetch, timeout)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
