"""Concord: a neutral platform for police data sharing and real-time checks."""

__version__ = "0.1.0"
