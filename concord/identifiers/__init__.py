"""Identifiers of documents, vehicles, vessels and objects: codes, check digits, keys, MRZs.

Pure functions, no I/O. The same key functions (``normalise``) serve storing and
checking, so a number typed at a border matches the one a member country stored.
"""
