"""The producer-consumer pipeline exercise: its hidden suite is hidden_tests.py."""
