"""The caller starts one short-lived thread per URL but first waits on a Condition until fewer than n_workers downloads are running."""

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
    """Fetch one URL with ``fetch(url, timeout=timeout)``; return a Download with its body, or with
    the exception fetch raised (never raise it)."""
    try:
        text = fetch(url, timeout=timeout)
    except Exception as problem:
        return Download(url, error=problem)
    else:
        return Download(url, body=text)


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL with ``fetch(url, timeout=timeout)``, with at most ``n_workers``
    downloads running at the same time, and return one Download per URL, in the order of ``urls``.
    ValueError unless ``n_workers`` is at least 1 and ``timeout`` is more than 0."""
    # first check the arguments, before anything is downloaded
    if n_workers < 1 or timeout <= 0:
        raise ValueError("n_workers must be >= 1 and timeout > 0")

    # now download every URL, at most n_workers at a time, and return the Downloads in input order
    slots = threading.Condition()
    running = 0  # downloads in progress, only touched while holding `slots`
    downloads = [None] * len(urls)
    threads = []

    def job(position, url):
        nonlocal running
        try:
            downloads[position] = download_one(url, fetch, timeout)
        finally:
            with slots:
                running -= 1
                slots.notify()  # a slot is free: wake the caller if it waits

    for position, url in enumerate(urls):
        with slots:
            # wait_for re-checks the predicate after every wake-up
            slots.wait_for(lambda: running < n_workers)
            running += 1
        t = threading.Thread(target=job, args=(position, url), name=f"download-{position}")
        threads.append(t)
        t.start()

    for t in threads:  # every thread I started has finished before I return
        t.join()
    return downloads
