"""Offline copies of the identifier databases for border posts without a link."""
