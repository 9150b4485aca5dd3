"""The bundle's entry point: `booth-pos`, exactly as the console script (pos.cli:main)."""

import sys

from pos.cli import main

if __name__ == "__main__":
    sys.exit(main())
