"""Run the command line: ``python -m cnnexplain``."""

from .cli import main

raise SystemExit(main())
