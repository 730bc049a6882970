"""``python -m regnet_lab``: see :mod:`regnet_lab.cli`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
