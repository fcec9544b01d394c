"""Hangs while being imported."""
import time

time.sleep(10 ** 6)
