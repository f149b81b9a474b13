"""`python -m relais_intake` serves the service; `… migrate` is its pre-start step (relais_shared.serve)."""

import sys

from relais_intake.manifest import manifest
from relais_shared.serve import main

if __name__ == "__main__":
    sys.exit(main(manifest, sys.argv[1:]))
