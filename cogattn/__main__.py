"""``python -m cogattn``: the command line (see :mod:`cogattn.cli`)."""

import sys

from cogattn.cli import main

sys.exit(main())
