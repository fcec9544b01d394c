"""A worker limit taken from threading.active_count(): it counts every thread of the program, so when another call's threads end, this call runs more than n_workers downloads."""

import threading
import time
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
    if n_workers < 1:
        raise ValueError("n_workers must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    results = [None] * len(urls)
    base = threading.active_count()

    def work(i, url):
        results[i] = download_one(url, fetch, timeout)

    threads = []
    for i, url in enumerate(urls):
        while threading.active_count() - base >= n_workers:
            time.sleep(0.01)
        t = threading.Thread(target=work, args=(i, url))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return results
