"""Write the SDL the web UI builds against: ``python -m schema.export [path]``."""

from __future__ import annotations

import sys
from pathlib import Path

from schema.api import schema

DEFAULT = Path(__file__).resolve().parent.parent / "web" / "schema.graphql"


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    target.write_text(schema.as_str() + "\n", encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
