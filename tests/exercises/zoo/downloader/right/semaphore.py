"""Semaphore: one thread per URL, but a BoundedSemaphore lets only n_workers download at once."""

import threading
from dataclasses import dataclass


@dataclass
class Download:
    url: str
    body: str | None = None
    error: Exception | None = None


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    if n_workers < 1:
        raise ValueError("at least one worker")
    if timeout <= 0:
        raise ValueError("the timeout must be positive")
    slots = threading.BoundedSemaphore(n_workers)
    downloads = [Download(url) for url in urls]

    def get(download):
        with slots:
            try:
                download.body = fetch(download.url, timeout=timeout)
            except Exception as problem:
                download.error = problem

    threads = [threading.Thread(target=get, args=(d,)) for d in downloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return downloads
