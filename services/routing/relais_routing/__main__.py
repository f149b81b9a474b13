"""`python -m relais_routing` serves the service; `… migrate` is its pre-start step (relais_shared.serve)."""

import sys

from relais_routing.manifest import manifest
from relais_shared.serve import main

if __name__ == "__main__":
    sys.exit(main(manifest, sys.argv[1:]))
