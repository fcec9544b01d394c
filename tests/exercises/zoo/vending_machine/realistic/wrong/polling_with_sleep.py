"""Polling with short sleeps: buy_waiting tries buy() every 10 ms until it works or the time is up.
"""

import threading
import time


class VendingMachine:
    def __init__(self, capacity=5):
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.__capacity = capacity
        self.__stock = capacity
        self.__lock = threading.Lock()

    @property
    def capacity(self):
        return self.__capacity

    @property
    def stock(self):
        return self.__stock

    def refill(self):
        with self.__lock:
            if self.__stock < self.__capacity:
                self.__stock += 1
                return True
            return False

    def buy(self):
        with self.__lock:
            if self.__stock > 0:
                self.__stock -= 1
                return True
            return False

    def buy_waiting(self, timeout=None):
        waited = 0.0
        while not self.buy():
            if timeout is not None and waited >= timeout:
                return False
            time.sleep(0.01)
            waited += 0.01
        return True
