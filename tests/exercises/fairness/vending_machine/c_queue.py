"""queue.Queue(maxsize=capacity) holds the candy bars themselves."""
import queue


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._bars = queue.Queue(maxsize=capacity)
        for _ in range(capacity):
            self._bars.put_nowait("bar")

    @property
    def capacity(self):
        return self._capacity

    @property
    def stock(self):
        return self._bars.qsize()

    def refill(self):
        try:
            self._bars.put_nowait("bar")
        except queue.Full:
            return False
        return True

    def buy(self):
        try:
            self._bars.get_nowait()
        except queue.Empty:
            return False
        return True

    def buy_waiting(self, timeout=None):
        try:
            if timeout is not None and timeout <= 0:
                self._bars.get_nowait()
            else:
                self._bars.get(timeout=timeout)
        except queue.Empty:
            return False
        return True
