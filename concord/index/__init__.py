"""In-memory indexes derived from the store and kept fresh from the change log."""
