"""Shared test settings: hypothesis profiles.

``HYPOTHESIS_PROFILE`` picks a profile by name; without it, ``CI=true`` picks
"ci" (more examples, and a reproduction blob for every failure) and anything
else picks "default".
"""

import os

from hypothesis import settings

settings.register_profile("default", deadline=None, max_examples=100)
settings.register_profile("ci", deadline=None, max_examples=300, print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "default")
)
