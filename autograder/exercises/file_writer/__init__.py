"""The file-writer exercise: its hidden suite is hidden_tests.py."""
