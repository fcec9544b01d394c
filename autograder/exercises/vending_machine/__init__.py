"""The vending-machine exercise: its hidden suite is hidden_tests.py."""
