"""Condition.wait in a while loop with a deadline computed from time.monotonic."""
import threading
import time


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("bad capacity")
        self.__capacity = capacity
        self.__stock = capacity
        self.__lock = threading.Lock()
        self.__not_empty = threading.Condition(self.__lock)

    @property
    def capacity(self):
        return self.__capacity

    @property
    def stock(self):
        return self.__stock

    def refill(self):
        with self.__lock:
            if self.__stock == self.__capacity:
                return False
            self.__stock += 1
            self.__not_empty.notify()
        return True

    def buy(self):
        return self.buy_waiting(timeout=0)

    def buy_waiting(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        with self.__not_empty:
            while self.__stock == 0:
                if deadline is None:
                    self.__not_empty.wait()
                else:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self.__not_empty.wait(left)
            self.__stock -= 1
            return True
