"""The window's names that configs and the command line use: its views (`--view`,
`--list-views`, a lesson's lesson.view) and its playback speeds (lesson.speed). The
engine checks only that such a name is one; the window knows which there are."""

# epochs a second by name (None: as fast as it trains), in the toolbar's order
SPEEDS: dict[str, float | None] = {
    "max speed": None,
    "200 epochs/s": 200.0,
    "50 epochs/s": 50.0,
    "10 epochs/s": 10.0,
    "1 epoch/s": 1.0,
}
VIEWS = (
    "curves",
    "bias_variance",
    "layers",
    "depth",
    "network",
    "layer_space",
    "chain",
    "sweeps",
    "gradient_check",
    "normalization",
)
