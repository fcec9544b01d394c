"""One thread per URL with the BoundedSemaphore held only around starting each thread, not around the download, so every download runs at once."""
import threading
from dataclasses import dataclass


@dataclass
class Download:
    """What happened to one URL: its page, or the exception that fetching it raised."""

    url: str
    body: str | None = None  # the page, if the download worked
    error: Exception | None = None  # what fetch raised, if it did not


def download_one(url, fetch, timeout):
    # never raise: a broken URL just gets its error in the Download
    try:
        page = fetch(url, timeout=timeout)
        return Download(url, body=page)
    except Exception as e:
        return Download(url, error=e)


def download_all(urls, fetch, n_workers=4, timeout=10.0):
    if n_workers < 1:
        raise ValueError("need at least one worker")
    if timeout <= 0:
        raise ValueError("timeout must be positive")

    limit = threading.BoundedSemaphore(n_workers)  # at most n_workers at once
    results = [None] * len(urls)

    def get(i, url):
        results[i] = download_one(url, fetch, timeout)

    threads = []
    for i, url in enumerate(urls):
        t = threading.Thread(target=get, args=(i, url))
        with limit:  # only n_workers threads may be started at the same time
            t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return results
