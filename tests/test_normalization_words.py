"""The Normalization page names the model its landscape is of: logistic regression on
classes, linear regression's squared error on a regression set (the bias as w₂ for one
input)."""

import pytest

from deepdials.app.pages.normalization_page import NormalizationPage
from deepdials.core.config.schema import Config, DataConfig
from deepdials.core.data.dataprep import build_data
from deepdials.core.engine.snapshot import RunInfo


@pytest.mark.parametrize(
    "kind, model, formula, w2",
    [
        ("circles", "Logistic regression", "ŷ = σ(w₁x₁ + w₂x₂), J = cross-entropy", "w₂"),
        ("gauss", "Linear regression", "ŷ = w₁x₁ + w₂x₂, J = squared error", "w₂"),
        ("sine", "Linear regression", "ŷ = w₁x₁ + w₂, J = squared error", "w₂ (the bias)"),
    ],
)
def test_the_page_names_the_model_it_draws(qtbot, session, kind, model, formula, w2):
    page = NormalizationPage(session)
    qtbot.addWidget(page)
    data_config = DataConfig(kind=kind, features=("x1",) if kind == "sine" else ("x1", "x2"))
    page.set_run(RunInfo(1, Config(data=data_config), build_data(data_config), (2, 1)))
    page.show()
    for text in (page.caption.text(), page.normalize.toolTip()):
        assert f"{model} {formula}" in text
        assert ("Logistic" in text) == (kind == "circles")
    assert page.plot.getAxis("left").labelText == w2
    assert ("x₁ ← (x₁ − μ) / σ" in page.normalize.text()) == (kind == "sine")
