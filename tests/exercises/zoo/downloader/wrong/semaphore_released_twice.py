"""A Semaphore of n_workers slots, released twice when a download fails (once in except, once in finally):
every failure adds a slot, so after the first one more than n_workers downloads run at once."""

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
    if n_workers < 1 or timeout <= 0:
        raise ValueError("need n_workers >= 1 and timeout > 0")
    slots = threading.Semaphore(n_workers)
    results = [None] * len(urls)

    def work(i, url):
        slots.acquire()
        try:
            results[i] = Download(url, body=fetch(url, timeout=timeout))
        except Exception as exc:
            results[i] = Download(url, error=exc)
            slots.release()  # give the slot back even when the download fails
        finally:
            slots.release()

    threads = [threading.Thread(target=work, args=(i, url)) for i, url in enumerate(urls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results
