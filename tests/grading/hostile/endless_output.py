"""Prints forever."""
while True:
    print("all tests passed " * 64)
