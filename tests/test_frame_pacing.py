"""Frames keep their rate: a frame a little late does not push back every later one."""

from hypothesis import given
from hypothesis import strategies as st

from app.worker import on_the_beat

INTERVAL = 1 / 30


@given(st.lists(st.floats(0.0, 0.9 * INTERVAL), min_size=30, max_size=300))
def test_frames_late_by_less_than_an_interval_keep_the_rate(lateness):
    """Each frame is emitted when due plus some lateness: the beat it counts from stays on
    the grid, so n frames take n intervals however late each one was."""
    last = 0.0
    for late in lateness:
        last = on_the_beat(last, INTERVAL, last + INTERVAL + late)
    assert abs(last - len(lateness) * INTERVAL) < 1e-9


def test_after_a_long_gap_the_beat_starts_again_from_now():
    assert on_the_beat(0.0, INTERVAL, 5.0) == 5.0
    assert on_the_beat(1.0, INTERVAL, 1.0) == 1.0  # a frame for a change, before the beat
