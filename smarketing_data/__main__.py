"""Entry point for ``python -m smarketing_data``."""

import sys

from smarketing_data.cli import main

if __name__ == "__main__":
    sys.exit(main())
