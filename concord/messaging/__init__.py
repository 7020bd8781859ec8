"""Secure messages between NCBs: key pairs kept by each NCB, envelopes the platform
stores but cannot read."""
