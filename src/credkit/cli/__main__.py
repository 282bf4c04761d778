"""Allow ``python -m credkit.cli``."""

import sys

from credkit.cli import main

sys.exit(main())
