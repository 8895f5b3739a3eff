"""`python -m services.mapper`: serve the Mapper gRPC service."""

from __future__ import annotations

import asyncio
import sys

from services.common.settings import SettingsError
from services.mapper.app import serve
from services.mapper.config import MapperSettings


def main() -> int:
    try:
        settings = MapperSettings.from_env()
    except SettingsError as err:
        print(err, file=sys.stderr)
        return 2
    asyncio.run(serve(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
