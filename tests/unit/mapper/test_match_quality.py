"""Match-quality scores per platform."""

from __future__ import annotations

from services.mapper.match_quality import score


def test_scores_follow_each_platforms_weights() -> None:
    assert score("meta", []) == 0
    assert score("meta", ["email"]) == 3
    assert score("meta", ["email", "phone", "click_id"]) == 7
    assert score("google_ads", ["click_id"]) == 5
    assert score("linkedin", ["email", "click_id"]) == 10
    assert score("outbrain", ["click_id"]) == 10


def test_name_address_and_birth_date_count_once_and_totals_cap_at_ten() -> None:
    assert score("meta", ["name", "address", "date_of_birth"]) == 1
    everything = ["email", "phone", "click_id", "browser_id", "ip_ua", "external_id", "name"]
    assert score("meta", everything) == 10


def test_webhooks_carry_the_whole_event() -> None:
    assert score("webhook", []) == 10
