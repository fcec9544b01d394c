"""The readers-writer lock exercise: its hidden suite is hidden_tests.py."""
