"""Use cases. Each takes a Store and a Principal; none imports FastAPI."""
