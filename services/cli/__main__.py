"""`python -m services.cli` is the `switchyard` command."""

import sys

from services.cli import main

sys.exit(main())
