"""Applies the requested journey cuts in a service process as Python starts (see tests/journeys/cuts.py)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
from tests.journeys import cuts  # noqa: E402

cuts.apply(cuts.requested())
