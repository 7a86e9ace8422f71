"""The Chain page's plot explains itself: the flat last segment says why, the line at
ŷ/x = 1 is labelled at its end, and no two labels overlap, at normal and projector size."""

import itertools

import pytest
from PySide6.QtGui import QFont

from deepdials.app.pages.chain_page import ChainPage
from deepdials.core.lessons.linear_chain import LAYERS


@pytest.fixture(params=[1.0, 1.45], ids=["normal", "projector"])
def page(request, qtbot, session):
    view = ChainPage(session)
    qtbot.addWidget(view)
    font = QFont()
    font.setPointSizeF(font.pointSizeF() * request.param)
    view.set_scale(request.param, font)
    view.resize(470, 680)
    view.show()
    qtbot.waitExposed(view)
    return view


def drawn(view) -> None:
    """Paint the plot once: the view box applies a new range when it is next painted."""
    view.graphics.grab()


def labels(view):
    shown = [item for item in view.values if item.isVisible()]
    return shown + [item for item in (view.one_label, view.flat_label) if item.isVisible()]


def overlaps(view) -> list[tuple[str, str]]:
    rects = [(item.textItem.toPlainText(), item.sceneBoundingRect()) for item in labels(view)]
    return [(a, b) for (a, ra), (b, rb) in itertools.combinations(rects, 2) if ra.intersects(rb)]


@pytest.mark.parametrize("slider", [25, 38, 75, 100])
def test_the_flat_segment_is_explained_and_no_labels_overlap(page, slider):
    page.slider.setValue(slider)  # a = 0.5, 0.76, 1.5, 2
    drawn(page)
    assert page.flat_label.isVisible()
    assert "W[L] = I" in page.flat_label.textItem.toPlainText()
    assert overlaps(page) == []
    plot_area = page.plot.vb.sceneBoundingRect()
    for item in labels(page):
        assert plot_area.contains(item.sceneBoundingRect()), item.textItem.toPlainText()


def test_the_line_at_one_is_labelled_at_its_end_in_the_page_font(page):
    assert page.one_label.textItem.toPlainText() == "ŷ/x = 1"
    assert page.one_label.pos().x() > LAYERS and page.one_label.pos().y() == 0.0
    size = page.one_label.textItem.font().pointSizeF()
    assert size == pytest.approx(page.plot.getAxis("bottom").label.font().pointSizeF())


def test_random_weights_and_a_equal_1_have_no_flat_segment_to_explain(page):
    page.slider.setValue(50)
    assert not page.flat_label.isVisible()
    page.random.setChecked(True)
    page.slider.setValue(75)
    drawn(page)
    assert not page.flat_label.isVisible()
    assert overlaps(page) == []
