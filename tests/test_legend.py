"""Legends above plots: an entry stays on one line unless its label is long, and then it
breaks only after a comma, so that a lesson step's long run label does not widen the
plot's column."""

from PySide6.QtCore import Qt

from deepdials.app.style.legend import legend_html

LONG = "learning rate = 0.5, optimizer = gradient descent"
SHORT = "raw, lr 0.01"


def label_text(entry: str) -> str:
    """The label of one legend entry as HTML, after its coloured sample."""
    return entry.split("</span>&nbsp;", 1)[1]


def test_a_long_label_breaks_only_after_its_commas_and_a_short_one_never():
    long, short = legend_html(
        [(LONG, (0, 0, 0), Qt.SolidLine), (SHORT, (0, 0, 0), Qt.DashLine)]
    ).split("&nbsp;&nbsp;&nbsp; ")
    assert label_text(long).split(" ") == [
        "learning&nbsp;rate&nbsp;=&nbsp;0.5,",
        "optimizer&nbsp;=&nbsp;gradient&nbsp;descent",
    ]
    assert " " not in label_text(short) and label_text(short) == "raw,&nbsp;lr&nbsp;0.01"
