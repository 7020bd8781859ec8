"""Pure types and rules of the platform: no I/O here."""
