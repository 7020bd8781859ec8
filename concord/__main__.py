"""``python -m concord`` runs the CLI."""

from concord.cli import main

main()
