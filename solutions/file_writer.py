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
        ### BEGIN SOLUTION
        self._file = open(path, "a", encoding="utf-8")
        self._lock = threading.Lock()
        self._closed = False
        ### END SOLUTION

    def write_line(self, text: str) -> None:
        """Append ``text`` and a newline as one unbroken line.

        A ``text`` that contains a newline raises ValueError and writes nothing; so does writing
        after ``close()``.
        """
        ### BEGIN SOLUTION
        if "\n" in text:
            raise ValueError(f"a line cannot contain a newline: {text!r}")
        with self._lock:
            if self._closed:
                raise ValueError("write_line() on a closed SafeFileWriter")
            self._file.write(text + "\n")
        ### END SOLUTION

    def close(self) -> None:
        """Flush and close the file. Closing twice is allowed."""
        ### BEGIN SOLUTION
        with self._lock:
            if not self._closed:
                self._closed = True
                self._file.close()
        ### END SOLUTION

    def __enter__(self) -> "SafeFileWriter":
        ### BEGIN SOLUTION
        return self
        ### END SOLUTION

    def __exit__(self, *exc_info: object) -> None:
        ### BEGIN SOLUTION
        self.close()
        ### END SOLUTION


def fetch_all(urls: list[str], fetch: Callable[[str], str], path, n_threads: int = 4) -> int:
    """Download every URL with ``fetch`` in ``n_threads`` threads and append one line per URL,
    ``f"{url}\\t{len(body)}"``, to ``path`` through one SafeFileWriter. Return the number of lines
    written. Downloads overlap: no lock is held while ``fetch`` runs."""
    ### BEGIN SOLUTION
    pending = list(urls)
    pending_lock = threading.Lock()
    written = 0

    def worker(writer: SafeFileWriter) -> None:
        nonlocal written
        while True:
            with pending_lock:
                if not pending:
                    return
                url = pending.pop()
            body = fetch(url)  # the slow part: no lock held, so downloads overlap
            writer.write_line(f"{url}\t{len(body)}")
            with pending_lock:
                written += 1

    with SafeFileWriter(path) as writer:
        threads = [threading.Thread(target=worker, args=(writer,)) for _ in range(n_threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return written
    ### END SOLUTION
