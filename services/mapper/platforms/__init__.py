"""One adapter module per destination type, registered in `table.PLATFORMS`.

Adding a platform:
1. `services/common/destination_specs.py`: one `PlatformSpec` row (what the registry checks).
2. `<platform>.py`: its `EVENT_NAMES` table (every standard event; `None` where the platform
   has no equivalent, which sends the platform's custom event), a pure `render(event, target)`
   returning `Rendered` or raising `Skip(reason)`, and `PLATFORM = Platform(...)`.
3. `table.py`: one row. Optionally a `classifier.CLASSIFIERS` entry when the platform's answers
   need more than the generic HTTP rules, and weights in `match_quality.WEIGHTS`.
4. A golden file: `SWITCHYARD_UPDATE_GOLDEN=1 pytest tests/unit/mapper/test_golden.py`, then
   review the new `tests/unit/mapper/golden/<platform>.json` against the platform's docs.
"""
