"""``python -m geo`` runs the command line."""

from geo.cli import main

raise SystemExit(main())
