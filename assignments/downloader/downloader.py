"""A downloader: many URLs fetched by a few worker threads at once.

Write ``download_all`` so that at most ``n_workers`` downloads run at the same time, every
download gives up after ``timeout`` seconds, one URL's error is reported instead of raised, and
the results come back in the order of the URLs.
"""

import concurrent.futures  # noqa: F401 - you may use it
import threading  # noqa: F401 - you may use it
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
    # YOUR CODE HERE
    raise NotImplementedError()


def download_all(urls: list[str], fetch: Callable[..., str], n_workers: int = 4,
                 timeout: float = 10.0) -> list[Download]:
    """Download every URL with ``fetch(url, timeout=timeout)``, with at most ``n_workers``
    downloads running at the same time, and return one Download per URL, in the order of ``urls``.
    ValueError unless ``n_workers`` is at least 1 and ``timeout`` is more than 0."""
    # first check the arguments, before anything is downloaded
    # YOUR CODE HERE
    raise NotImplementedError()
    # now download every URL, at most n_workers at a time, and return the Downloads in input order
    # YOUR CODE HERE
    raise NotImplementedError()
