"""HTTP API: app factory, dependencies, routers, request and response schemas."""

from concord.api.app import create_app

__all__ = ["create_app"]
