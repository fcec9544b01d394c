"""Worker threads are a Thread subclass fed from a queue.Queue of (index, url) jobs, stopped by one None sentinel each, and write into a preallocated list."""

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Download:
    """What happened to one URL: its page, or the exception that fetching it raised."""

    url: str
    body: str | None = None  # the page, if the download worked
    error: Exception | None = None  # what fetch raised, if it did not


def download_one(url: str, fetch: Callable[..., str], timeout: float) -> Download:
    """Fetch one URL with ``fetch(url, timeout=timeout)``; never raise."""
    try:
        page = fetch(url, timeout=timeout)
    except Exception as exc:  # any failure belongs to this URL only
        return Download(url, error=exc)
    return Download(url, body=page)


class Worker(threading.Thread):
    """Takes jobs off the queue until it gets the sentinel (None)."""

    def __init__(self, jobs: queue.Queue, results: list, fetch, timeout: float) -> None:
        super().__init__()
        self.jobs = jobs
        self.results = results
        self.fetch = fetch
        self.timeout = timeout

    def run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is None:  # no more work for me
                break
            index, url = job
            # every index is handed out exactly once, so no two workers write the same slot
            self.results[index] = download_one(url, self.fetch, self.timeout)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL, at most n_workers at once; Downloads come back in the order of urls."""
    # first check the arguments, before anything is downloaded
    if n_workers < 1:
        raise ValueError("need at least one worker")
    if not timeout > 0:
        raise ValueError("timeout has to be positive")

    jobs: queue.Queue = queue.Queue()
    for index, url in enumerate(urls):
        jobs.put((index, url))
    for _ in range(n_workers):
        jobs.put(None)  # one stop sign per worker, queued after all the real jobs

    results: list = [None] * len(urls)
    workers = [Worker(jobs, results, fetch, timeout) for _ in range(n_workers)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results
