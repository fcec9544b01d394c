"""The downloader exercise: its hidden suite is hidden_tests.py."""
