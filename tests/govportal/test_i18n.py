import subprocess
from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.parametrize("domain", ["django", "djangojs"])  # the pages' texts and their scripts'
def test_chinese_catalogue_has_no_untranslated_or_fuzzy_strings(domain):
    catalogue = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
        capture_output=True, text=True, check=True,
    )
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_default_language_is_simplified_chinese_with_english_available():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in settings.LANGUAGES] == ["zh-hans", "en"]
