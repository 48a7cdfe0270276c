"""python -m bench.stages: see the package's docstring."""

import sys

from bench.stages.run import main

sys.exit(main())
