"""The shared-counter exercise: its hidden suite is hidden_tests.py."""
