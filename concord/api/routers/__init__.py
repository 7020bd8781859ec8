"""Routers only parse, authorise through a service, and shape the answer."""
