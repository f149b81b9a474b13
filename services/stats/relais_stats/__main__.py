"""`python -m relais_stats` serves the service; `… migrate` is its pre-start step (relais_shared.serve)."""

import sys

from relais_shared.serve import main
from relais_stats.manifest import manifest

if __name__ == "__main__":
    sys.exit(main(manifest, sys.argv[1:]))
