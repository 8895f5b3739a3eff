"""The country table against ISO 3166-1 as pycountry ships it, and the US state table."""

from __future__ import annotations

import pycountry
import pytest
from facebook_business.adobjects.serverside.normalize import Normalize

from services.common.identity import rules
from services.common.identity.places import ALPHA2, COUNTRIES, US_STATES, fold


@pytest.mark.parametrize("entry", list(pycountry.countries), ids=lambda c: c.alpha_2)
def test_every_iso_country_is_found_by_code_and_name(entry: pycountry.db.Country) -> None:
    code = entry.alpha_2.lower()
    spellings = [entry.alpha_2, entry.alpha_3, entry.name, getattr(entry, "common_name", "")]
    assert {rules.country(s) for s in spellings if s} == {code}


def test_table_holds_exactly_the_iso_codes() -> None:
    assert {c.alpha_2.lower() for c in pycountry.countries} == ALPHA2
    # Every answer is a code Meta's SDK accepts as a country.
    for code in set(COUNTRIES.values()):
        assert Normalize.normalize_field_skip_hashing("country", code) == code


def test_no_name_key_shadows_another_country() -> None:
    for entry in pycountry.countries:
        for key in (fold(entry.name), entry.alpha_3.lower()):
            assert COUNTRIES[key] == entry.alpha_2.lower()


def test_us_states_match_iso_3166_2() -> None:
    subdivisions = {
        fold(s.name): s.code[3:].lower() for s in pycountry.subdivisions.get(country_code="US")
    }
    assert {k: v for k, v in US_STATES.items() if k in subdivisions} == subdivisions
    assert len(set(US_STATES.values())) == 57  # 50 states, DC, 6 territories (ISO 3166-2:US)
