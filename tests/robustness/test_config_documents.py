"""Configuration documents from outside: duplicate keys, byte order marks, endless files,
huge values. Each finding of the hostile-input review has a regression test here."""

from __future__ import annotations

import os
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from credkit.config import MAX_DOCUMENT_BYTES, load
from credkit.errors import ConfigError
from credkit.policy import load_policy


@attrs.frozen
class Review:
    interval_days: int
    name: str = "default"


def test_a_key_given_twice_in_json_is_an_error_not_the_last_one_winning() -> None:
    # json.loads keeps the last value silently; a config where the second key quietly
    # overrides the first is a careless (or hostile) edit that must not pass.
    with pytest.raises(ConfigError, match=r"the key 'interval_days' appears twice"):
        load(Review, '{"interval_days": 30, "interval_days": 90}', format="json")
    with pytest.raises(ConfigError, match=r"'tolerance' appears twice"):
        load_policy(
            '{"id": "p", "version": "1", "rules": [{"rule": "static_limit", '
            '"tolerance": "0.05", "tolerance": "0.5"}]}',
            format="json",
        )


def test_toml_already_refuses_a_key_given_twice() -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load(Review, "interval_days = 30\ninterval_days = 90", format="toml")


@pytest.mark.parametrize("suffix", [".json", ".toml"])
def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path, suffix: str) -> None:
    text = '{"interval_days": 30}' if suffix == ".json" else "interval_days = 30"
    path = tmp_path / f"review{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    assert load(Review, path) == Review(30)
    assert load(Review, "\ufeff" + text, format=suffix[1:]) == Review(30)  # type: ignore[arg-type]


def test_a_file_larger_than_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as file:
        file.truncate(MAX_DOCUMENT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(ConfigError, match=r"larger than 10,485,760 bytes"):
        load(Review, path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_is_refused() -> None:
    with pytest.raises(ConfigError, match="larger than"):
        load(Review, Path("/dev/zero"), format="json")


def test_a_huge_offending_value_is_cut_short_in_the_message() -> None:
    with pytest.raises(ConfigError) as caught:
        load(Review, {"interval_days": "9" * 100_000})
    message = str(caught.value)
    assert len(message) < 400
    assert "(100,002 characters)" in message  # the repr, quotes included


@given(st.binary(max_size=300))
def test_any_bytes_load_or_raise_a_config_error(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    path = tmp_path_factory.mktemp("doc") / "document.json"
    path.write_bytes(data)
    try:
        result = load(Review, path)
    except ConfigError:  # anything else (UnicodeDecodeError, RecursionError, ...) fails
        return
    assert isinstance(result, Review)
