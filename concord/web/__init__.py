"""The web application served by ``concord serve``: pages rendered on the server,
nothing loaded from the internet."""
