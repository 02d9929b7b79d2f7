"""``python -m naturkapital`` runs the command line."""

from naturkapital.cli import main

main()
