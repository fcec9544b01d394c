"""A file that many threads append lines to, and the downloader that feeds it.

Write ``SafeFileWriter`` so that every line reaches the file whole, whatever other threads are
writing at the same time, and ``fetch_all`` so that its threads download at the same time and
only take turns for the file.
"""

import threading  # noqa: F401 - you will need it
from collections.abc import Callable


class SafeFileWriter:
    """Appends lines to one file; many threads may write at once.

    >>> with SafeFileWriter("log.txt") as writer:
    ...     writer.write_line("first line")
    """

    def __init__(self, path) -> None:
        # YOUR CODE HERE
        raise NotImplementedError()

    def write_line(self, text: str) -> None:
        """Append ``text`` and a newline as one unbroken line.

        A ``text`` that contains a newline raises ValueError and writes nothing; so does writing
        after ``close()``.
        """
        # YOUR CODE HERE
        raise NotImplementedError()

    def close(self) -> None:
        """Flush and close the file. Closing twice is allowed."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __enter__(self) -> "SafeFileWriter":
        # YOUR CODE HERE
        raise NotImplementedError()

    def __exit__(self, *exc_info: object) -> None:
        # YOUR CODE HERE
        raise NotImplementedError()


def fetch_all(urls: list[str], fetch: Callable[[str], str], path, n_threads: int = 4) -> int:
    """Download every URL with ``fetch`` in ``n_threads`` threads and append one line per URL,
    ``f"{url}\\t{len(body)}"``, to ``path`` through one SafeFileWriter. Return the number of lines
    written. Downloads overlap: no lock is held while ``fetch`` runs."""
    # YOUR CODE HERE
    raise NotImplementedError()
