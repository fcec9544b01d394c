"""A buffer of its own (a deque and a Condition) waits only while it holds more than maxsize
items, `while len(buf) > maxsize`, so it holds maxsize + 1."""
import threading
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

STOP = object()


class Pipeline:
    def __init__(self, process: Callable[[Any], Any], n_consumers: int = 2, maxsize: int = 4) -> None:
        if n_consumers < 1:
            raise ValueError("need at least one consumer")
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._process = process
        self._maxsize = maxsize
        self._buf = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._results = []
        self._errors = []
        self._workers = []
        for i in range(n_consumers):
            t = threading.Thread(target=self._consume, name=f"consumer-{i}")
            t.start()
            self._workers.append(t)

    def put(self, item: Any) -> None:
        with self._cond:
            if self._closed:
                raise ValueError("closed")
            while len(self._buf) > self._maxsize:   # wait while the buffer is over its size
                self._cond.wait()
            self._buf.append(item)
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for w in self._workers:
            w.join()
        with self._cond:
            return list(self._results), list(self._errors)

    def _consume(self) -> None:
        while True:
            with self._cond:
                while not self._buf and not self._closed:
                    self._cond.wait()
                if not self._buf:   # closed and nothing left
                    return
                item = self._buf.popleft()
                self._cond.notify_all()
            try:
                result = self._process(item)
            except Exception as exc:
                with self._cond:
                    self._errors.append((item, exc))
            else:
                with self._cond:
                    self._results.append(result)


def run_pipeline(sources: list[Iterable[Any]], process, n_consumers: int = 2, maxsize: int = 4):
    pipeline = Pipeline(process, n_consumers, maxsize)

    def produce(source):
        for item in source:
            pipeline.put(item)

    threads = [threading.Thread(target=produce, args=(s,)) for s in sources]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pipeline.close()
