"""`python -m services.ingest` serves; `python -m services.ingest migrate` applies migrations."""

from __future__ import annotations

import asyncio
import sys

from services.common.settings import SettingsError
from services.ingest.app import run_migrations, serve
from services.ingest.config import IngestSettings


def main(argv: list[str]) -> int:
    """Entry point."""
    try:
        settings = IngestSettings.from_env()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    if argv[:1] == ["migrate"]:
        for name in asyncio.run(run_migrations(settings)):
            print(f"applied {name}")
        return 0
    if argv:
        print("usage: python -m services.ingest [migrate]", file=sys.stderr)
        return 2
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
