"""Vendor language codes become BCP 47 tags."""

from __future__ import annotations

from typing import Any

import pytest

from api.hooks.adapters.languages import bcp47_language


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("eng", "en"),
        ("fra", "fr"),
        ("fre", "fr"),
        ("ger", "de"),
        ("ukr", "uk"),
        ("cmn", "zh"),
        ("yue", "yue"),
        ("EN", "en"),
        ("en_US", "en-US"),
        ("pt-br", "pt-BR"),
        ("zh-hant", "zh-Hant"),
        ("und", None),
        ("undefined", None),
        ("", None),
        ("e", None),
        ("english", None),
        (12, None),
    ],
)
def test_language_codes_become_bcp47_tags(code: Any, tag: str | None) -> None:
    assert bcp47_language(code) == tag
