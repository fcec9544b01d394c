"""The prime-checker exercise: its hidden suite is hidden_tests.py."""
