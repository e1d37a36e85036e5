"""Word lists for demo data: names that look like the agency's real world (Saxony and China).

Kept in the package rather than taken from Faker, which is a development dependency only,
while `generate_demo_data` must also run on a production install for load tests. The lists
are in names.json and read as this module's names: ``names.HOME_CITIES``, ``names.SYLLABLES``.
"""

import json
from pathlib import Path

globals().update(json.loads(Path(__file__).with_name("names.json").read_text(encoding="utf-8")))
