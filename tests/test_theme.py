"""Text is readable at two metres: WCAG AA (4.5:1) everywhere, 7:1 in the high-contrast theme."""
from __future__ import annotations

import pytest

from kiosk.ui.theme import DEFAULT, HIGH_CONTRAST, Theme, contrast


def test_contrast_formula_on_known_pairs() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((255, 255, 255), (255, 255, 255)) == pytest.approx(1.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(("theme", "minimum"), [(DEFAULT, 4.5), (HIGH_CONTRAST, 7.0)])
def test_every_text_pair_meets_its_ratio(theme: Theme, minimum: float) -> None:
    weak = {name: round(contrast(*pair), 2) for name, pair in theme.text_pairs().items()
            if contrast(*pair) < minimum}
    assert weak == {}
