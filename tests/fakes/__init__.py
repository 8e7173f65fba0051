"""Fakes of the services rolebot talks to, speaking their real wire protocols (see README.md)."""
