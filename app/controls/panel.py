"""The control panel: every setting of a config as a labelled, explained input.

`ControlPanel.config()` reads the inputs into a validated `Config`; `set_config` fills
them without emitting. Any user change emits `changed(Config)`, or `invalid(str)` with
the engine's message when a typed value (per-layer widths or keep-probs) is not valid.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.controls.widgets import ValueSlider, linear_values, log_values
from core.config.schema import (
    FEATURE_NAMES,
    HIDEABLE,
    MAX_LAYERS,
    MAX_POINTS,
    MAX_SEED,
    MAX_UNITS,
    MULTICLASS_KINDS,
    Config,
    config_from_dict,
)
from core.errors import InputError

DATA_KINDS = [
    ("circles", "Circles", "an inner ring of one class inside an outer ring of the other"),
    ("moons", "Moons", "two interleaving half circles"),
    ("xor", "XOR", "opposite quadrants share a class: no single line separates them"),
    ("spiral", "Spiral", "K interleaved spiral arms, one per class: the hardest set"),
    ("blobs", "Blobs", "K gaussian clouds, one per class"),
    ("linear", "Linear", "two classes on either side of a line: separable when noise is 0"),
]
ACTIVATIONS = [
    ("relu", "ReLU", "g(z) = max(0, z); g' = 1 for z > 0, else 0 (units can die)"),
    ("leaky_relu", "Leaky ReLU", "g(z) = max(0.01 z, z); g' = 1 or 0.01 (never quite dead)"),
    ("tanh", "tanh", "g(z) = tanh z; g' = 1 − tanh² z (saturates for |z| ≫ 1)"),
    ("sigmoid", "sigmoid", "g(z) = 1/(1 + e^−z); g' = g(1 − g) ≤ 0.25 (saturates, vanishes)"),
    ("linear", "linear", "g(z) = z: a deep linear net is still a linear model"),
]
INITS = [
    ("zeros", "zeros", "W = 0: every unit of a layer computes the same thing forever"),
    ("normal", "normal × scale", "W ~ N(0, 1) · scale"),
    ("uniform", "uniform ± scale", "W ~ U(−scale, +scale)"),
    ("xavier", "Xavier  √(1/n)", "W ~ N(0, 1) · √(1/n_in) · scale (Glorot; for tanh)"),
    ("xavier_avg", "Xavier  √(2/(n+n'))", "W ~ N(0, 1) · √(2/(n_in + n_out)) · scale"),
    ("he", "He  √(2/n)", "W ~ N(0, 1) · √(2/n_in) · scale (He et al.; for ReLU)"),
]
OPTIMIZERS = [
    ("sgd", "gradient descent", "θ ← θ − α g"),
    ("momentum", "momentum", "v ← 0.9 v + 0.1 g;  θ ← θ − α v"),
    ("adam", "Adam", "v ← β₁v + (1−β₁)g;  s ← β₂s + (1−β₂)g²;  θ ← θ − α v̂/(√ŝ + ε)"),
]
BATCH_SIZES = [0, 1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 512]
FEATURE_LABELS = {
    "x1": "x₁",
    "x2": "x₂",
    "x1^2": "x₁²",
    "x2^2": "x₂²",
    "x1*x2": "x₁x₂",
    "sin(x1)": "sin x₁",
    "sin(x2)": "sin x₂",
}


def _combo(options: list[tuple[str, str, str]], tip: str) -> QComboBox:
    box = QComboBox()
    for i, (key, label, explanation) in enumerate(options):
        box.addItem(label, key)
        box.setItemData(i, explanation, 3)  # Qt.ToolTipRole
    box.setToolTip(tip + "\n\n" + "\n".join(f"{label}: {text}" for _, label, text in options))
    return box


def _select(box: QComboBox, key) -> None:
    box.setCurrentIndex(max(0, box.findData(key)))


def _fmt_pct(v: float) -> str:
    return f"{v:.0%}"


def _fmt_small(v: float) -> str:
    return "off" if v == 0 else f"{v:g}"


def _parse_list(text: str, kind) -> list:
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return [kind(p) for p in parts]
    except ValueError:
        raise InputError(f"{text!r} is not a list of numbers") from None


class ControlPanel(QWidget):
    changed = Signal(object)  # Config
    invalid = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._filling = False
        self._csv: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._data_group())
        layout.addWidget(self._network_group())
        layout.addWidget(self._regularization_group())
        layout.addWidget(self._optimization_group())
        layout.addStretch(1)
        self.groups = [
            self.data_box,
            self.network_box,
            self.regularization_box,
            self.optimization_box,
        ]
        self.rows = self._rows_by_key()
        self.set_config(Config())

    # ----- building -----

    def _form(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setContentsMargins(8, 6, 8, 6)
        form.setVerticalSpacing(4)
        return box, form

    def _data_group(self) -> QGroupBox:
        box, form = self._form("Data")
        self.data_box = box
        self.kind = _combo(
            DATA_KINDS,
            "The toy data set. Its generating distribution is known, "
            "so the Bayes error (the best any classifier can do) is computed.",
        )
        self.n_classes = QSpinBox()
        self.n_classes.setRange(2, 5)
        self.n_classes.setToolTip(
            "Number of classes (spiral arms, blobs). K > 2 uses a softmax "
            "output: p_k = e^{z_k} / Σ_j e^{z_j}."
        )
        self.noise = ValueSlider(linear_values(0, 1, 0.01))
        self.noise.setToolTip(
            "Gaussian noise added to every point (std, in data units). "
            "More noise: classes overlap, the Bayes error rises."
        )
        self.n_points = ValueSlider(log_values(20, MAX_POINTS, 6), fmt=lambda v: f"{v:.0f}")
        self.n_points.setToolTip("Points drawn in all, before the train/val/test split.")
        self.val_frac = ValueSlider(linear_values(0, 0.5, 0.05), fmt=_fmt_pct)
        self.val_frac.setToolTip(
            "Fraction held out as the validation (dev) set: what you tune "
            "λ, keep-prob and early stopping on."
        )
        self.test_frac = ValueSlider(linear_values(0, 0.5, 0.05), fmt=_fmt_pct)
        self.test_frac.setToolTip(
            "Fraction held out as the test set: an unbiased estimate of "
            "the final model, looked at last."
        )
        self.split_label = QLabel()
        self.seed = QSpinBox()
        self.seed.setRange(0, min(MAX_SEED, 2**31 - 1))
        self.seed.setToolTip("Seed of the data generator: the same seed draws the same points.")
        self.new_data = QPushButton("New data")
        self.new_data.setToolTip("Draw a fresh sample from the same distribution (next seed).")
        seed_row = self.seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.new_data)
        self.mismatch = ValueSlider(linear_values(0, 1, 0.05))
        self.mismatch.setToolTip(
            "Mismatched distributions: val and test come from a shifted, noisier version of the "
            "training distribution (train on sharp web photos, test on blurry phone photos).\n"
            "0 = same distribution."
        )
        self.augment = QSpinBox()
        self.augment.setRange(0, 10)
        self.augment.setToolTip(
            "Data augmentation: add this many transformed copies of each "
            "training point (the data set's own mirror/rotation symmetries "
            "plus a little jitter). Never touches val/test."
        )
        self.scale_x1 = ValueSlider(log_values(1, 1000, 3), fmt=lambda v: f"×{v:g}")
        self.scale_x1.setToolTip(
            "Badly scaled inputs: multiply x₁ by this factor. Without input "
            "normalization the cost surface becomes a long narrow valley."
        )
        self.features = {name: QCheckBox(FEATURE_LABELS[name]) for name in FEATURE_NAMES}
        grid = self.features_grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for i, box_ in enumerate(self.features.values()):
            box_.setToolTip("Input features fed to the network (derived from x₁, x₂).")
            grid.addWidget(box_, i // 4, i % 4)
        form.addRow("Data set", self.kind)
        form.addRow("Classes", self.n_classes)
        form.addRow("Noise", self.noise)
        form.addRow("Points", self.n_points)
        form.addRow("Validation", self.val_frac)
        form.addRow("Test", self.test_frac)
        form.addRow("", self.split_label)
        form.addRow("Seed", seed_row)
        form.addRow("Mismatch", self.mismatch)
        form.addRow("Augment ×", self.augment)
        form.addRow("Scale x₁", self.scale_x1)
        form.addRow("Features", grid)
        for w in (self.kind, self.n_classes, self.seed, self.augment):
            signal = w.currentIndexChanged if isinstance(w, QComboBox) else w.valueChanged
            signal.connect(self._emit)
        for s in (
            self.noise,
            self.n_points,
            self.val_frac,
            self.test_frac,
            self.mismatch,
            self.scale_x1,
        ):
            s.valueChanged.connect(self._emit)
        for c in self.features.values():
            c.toggled.connect(self._emit)
        self.new_data.clicked.connect(lambda: self.seed.setValue(self.seed.value() + 1))
        return box

    def _network_group(self) -> QGroupBox:
        box, form = self._form("Network")
        self.network_box = box
        self.depth = QSpinBox()
        self.depth.setRange(0, MAX_LAYERS)
        self.depth.setToolTip(
            "Hidden layers L − 1 (0 = logistic/softmax regression). Deep "
            "nets multiply many weight matrices: ŷ ∝ W[L]···W[1]x, so the "
            "signal can vanish or explode."
        )
        self.width_ = QSpinBox()
        self.width_.setRange(1, MAX_UNITS)
        self.width_.setToolTip("Units in every hidden layer (sets all widths equal).")
        self.widths = QLineEdit()
        self.widths.setToolTip(
            "Units per hidden layer, comma separated, e.g. 16, 8, 4. "
            f"Up to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units."
        )
        self.activation = _combo(ACTIVATIONS, "Activation g of the hidden layers.")
        self.init = _combo(
            INITS,
            "How the weights start (biases start at 0). Var(W) ≈ 1/n "
            "keeps the scale of the signal layer after layer.",
        )
        self.init_scale = ValueSlider(log_values(0.001, 100, 6))
        self.init_scale.setToolTip("Multiplies the initial weights (all schemes except zeros).")
        self.normalize = QCheckBox("Normalize inputs")
        self.normalize.setToolTip(
            "x ← (x − μ) / σ with μ, σ fitted on the training split only, "
            "and applied to every split and to the plotted grid."
        )
        form.addRow("Hidden layers", self.depth)
        form.addRow("Units", self.width_)
        form.addRow("Widths", self.widths)
        form.addRow("Activation", self.activation)
        form.addRow("Init", self.init)
        form.addRow("Init scale", self.init_scale)
        form.addRow("", self.normalize)
        self.depth.valueChanged.connect(self._depth_or_width_changed)
        self.width_.valueChanged.connect(self._depth_or_width_changed)
        self.widths.editingFinished.connect(self._widths_edited)
        self.activation.currentIndexChanged.connect(self._emit)
        self.init.currentIndexChanged.connect(self._emit)
        self.init_scale.valueChanged.connect(self._emit)
        self.normalize.toggled.connect(self._emit)
        return box

    def _regularization_group(self) -> QGroupBox:
        box, form = self._form("Regularization")
        self.regularization_box = box
        self.penalty = QComboBox()
        self.penalty.addItem("L2  (weight decay)", "l2")
        self.penalty.addItem("L1  (sparse weights)", "l1")
        self.penalty.setToolTip(
            "L2: J + λ/(2m)·Σ‖W‖², gradient + (λ/m)·W\n"
            "L1: J + λ/(2m)·Σ|W|, gradient + λ/(2m)·sign(W)\n"
            "Weights only, never biases."
        )
        self.lam = ValueSlider(log_values(0.0001, 10, 3, off=True), fmt=_fmt_small)
        self.lam.setToolTip("λ, the strength of the penalty (leftmost: off).")
        self.keep = ValueSlider(linear_values(0.1, 1.0, 0.05), fmt=lambda v: f"{v:.2f}")
        self.keep.setToolTip(
            "Inverted dropout: each hidden unit is kept with probability p "
            "during training, a ← a·d/p with d ~ Bernoulli(p); off at "
            "evaluation. 1 = no dropout."
        )
        self.keep_layers = QLineEdit()
        self.keep_layers.setPlaceholderText("per layer: input, hidden 1, …")
        self.keep_layers.setToolTip(
            "Optional: one keep-prob per layer, from the input layer on "
            "(e.g. 1, 0.5, 0.8). Empty: the slider's value for every "
            "hidden layer and 1 for the input."
        )
        self.early = QCheckBox("Early stopping")
        self.early.setToolTip(
            "Stop when the validation loss has not improved for `patience` "
            "epochs, and restore the parameters of the best epoch."
        )
        self.patience = QSpinBox()
        self.patience.setRange(1, 100_000)
        self.patience.setToolTip("Epochs without a new best validation loss before stopping.")
        stop_row = self.stop_row = QHBoxLayout()
        stop_row.addWidget(self.early)
        stop_row.addWidget(QLabel("patience"))
        stop_row.addWidget(self.patience, 1)
        form.addRow("Penalty", self.penalty)
        form.addRow("λ", self.lam)
        form.addRow("Keep-prob", self.keep)
        form.addRow("", self.keep_layers)
        form.addRow(stop_row)
        self.penalty.currentIndexChanged.connect(self._emit)
        self.lam.valueChanged.connect(self._emit)
        self.keep.valueChanged.connect(self._emit)
        self.keep_layers.editingFinished.connect(self._emit)
        self.early.toggled.connect(self._emit)
        self.patience.valueChanged.connect(self._emit)
        return box

    def _optimization_group(self) -> QGroupBox:
        box, form = self._form("Optimization")
        self.optimization_box = box
        self.lr = ValueSlider(log_values(0.0001, 10, 6))
        self.lr.setToolTip("Learning rate α: θ ← θ − α·∂J/∂θ. Too large and the loss blows up.")
        self.batch = QComboBox()
        for size in BATCH_SIZES:
            self.batch.addItem("full batch" if size == 0 else str(size), size)
        self.batch.setToolTip(
            "Examples per update. Full batch: one exact step per epoch; "
            "mini-batches: many noisy steps per epoch, reshuffled each epoch."
        )
        self.optimizer = _combo(OPTIMIZERS, "The update rule.")
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 1_000_000)
        self.epochs.setToolTip(
            "Training stops after this many epochs (passes over the training set)."
        )
        form.addRow("Learning rate", self.lr)
        form.addRow("Batch size", self.batch)
        form.addRow("Optimizer", self.optimizer)
        form.addRow("Stop after", self.epochs)
        self.lr.valueChanged.connect(self._emit)
        self.batch.currentIndexChanged.connect(self._emit)
        self.optimizer.currentIndexChanged.connect(self._emit)
        self.epochs.valueChanged.connect(self._emit)
        return box

    # ----- classroom mode -----

    def _rows_by_key(self) -> dict[str, list]:
        """The form rows (their field widget or layout) that show each config key."""
        fields = {
            "data.kind": [self.kind],
            "data.n_classes": [self.n_classes],
            "data.noise": [self.noise],
            "data.n_points": [self.n_points],
            "data.split": [self.val_frac, self.test_frac, self.split_label],
            "data.seed": [self.seed_row],
            "data.mismatch": [self.mismatch],
            "data.augment": [self.augment],
            "data.scale_x1": [self.scale_x1],
            "data.features": [self.features_grid],
            "data.normalize": [self.normalize],
            "model.hidden": [self.depth, self.width_, self.widths],
            "model.activation": [self.activation],
            "model.init": [self.init],
            "model.init_scale": [self.init_scale],
            "train.l2": [self.penalty, self.lam],
            "train.l1": [self.penalty, self.lam],
            "train.keep_prob": [self.keep, self.keep_layers],
            "train.patience": [self.stop_row],
            "train.lr": [self.lr],
            "train.batch_size": [self.batch],
            "train.optimizer": [self.optimizer],
            "train.epochs": [self.epochs],
        }
        assert set(fields) == set(HIDEABLE)
        return fields

    def labels(self) -> dict[str, str]:
        """Each hideable config key with the label of its (first) row."""
        out = {}
        for key, fields in self.rows.items():
            for box in self.groups:
                label = box.layout().labelForField(fields[0])
                if label is not None and label.text():
                    out[key] = label.text()
            out.setdefault(key, key.split(".")[1].replace("_", " "))
        return out

    def set_hidden(self, keys: tuple[str, ...]) -> None:
        """Hide the rows of these config keys (classroom mode); () shows every row."""
        hidden = {id(f) for key in keys for f in self.rows[key]}
        for box in self.groups:
            form = box.layout()
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.FieldRole)
                if item is None:
                    item = form.itemAt(row, QFormLayout.SpanningRole)
                field = (item.widget() or item.layout()) if item is not None else None
                if field is not None:
                    form.setRowVisible(row, id(field) not in hidden)
            box.setVisible(any(form.isRowVisible(r) for r in range(form.rowCount())))

    # ----- reading and filling -----

    def _hidden(self) -> list[int]:
        return _parse_list(self.widths.text(), int)

    def config(self) -> Config:
        """The inputs as a validated Config; InputError names what is wrong."""
        val, test = self.val_frac.value(), self.test_frac.value()
        keep_text = self.keep_layers.text().strip()
        keep = _parse_list(keep_text, float) if keep_text else self.keep.value()
        lam = self.lam.value()
        penalty = self.penalty.currentData()
        raw = {
            "schema": 1,
            "data": {
                "kind": self.kind.currentData() if self._csv is None else "csv",
                "csv": self._csv,
                "n_points": int(self.n_points.value()),
                "n_classes": self.n_classes.value(),
                "noise": self.noise.value(),
                "split": [round(1 - val - test, 10), val, test],
                "seed": self.seed.value(),
                "mismatch": self.mismatch.value(),
                "augment": self.augment.value(),
                "scale_x1": self.scale_x1.value(),
                "features": [n for n, box in self.features.items() if box.isChecked()],
                "normalize": self.normalize.isChecked(),
            },
            "model": {
                "hidden": self._hidden(),
                "activation": self.activation.currentData(),
                "init": self.init.currentData(),
                "init_scale": self.init_scale.value(),
            },
            "train": {
                "optimizer": self.optimizer.currentData(),
                "lr": self.lr.value(),
                "batch_size": self.batch.currentData(),
                "epochs": self.epochs.value(),
                "l2": lam if penalty == "l2" else 0.0,
                "l1": lam if penalty == "l1" else 0.0,
                "keep_prob": keep,
                "patience": self.patience.value() if self.early.isChecked() else 0,
                "seed": self._train_seed,
            },
            "classroom": {"hidden": list(self._classroom_hidden)},
        }
        return config_from_dict(raw)

    def set_config(self, config: Config) -> None:
        """Show `config` in the inputs without emitting `changed`."""
        self._filling = True
        try:
            d, m, t = config.data, config.model, config.train
            self._csv = d.csv if d.kind == "csv" else None
            self._train_seed = t.seed
            self._classroom_hidden = config.classroom.hidden
            _select(self.kind, d.kind if d.kind != "csv" else "circles")
            self.kind.setEnabled(d.kind != "csv")
            self.n_classes.setValue(d.n_classes)
            self.noise.setValue(d.noise)
            self.n_points.setValue(d.n_points)
            self.val_frac.setValue(d.split[1])
            self.test_frac.setValue(d.split[2])
            self.seed.setValue(min(d.seed, self.seed.maximum()))
            self.mismatch.setValue(d.mismatch)
            self.augment.setValue(d.augment)
            self.scale_x1.setValue(d.scale_x1)
            for name, box in self.features.items():
                box.setChecked(name in d.features)
            self.normalize.setChecked(d.normalize)
            self.depth.setValue(len(m.hidden))
            if m.hidden:
                self.width_.setValue(m.hidden[0])
            self.widths.setText(", ".join(str(n) for n in m.hidden))
            _select(self.activation, m.activation)
            _select(self.init, m.init)
            self.init_scale.setValue(m.init_scale)
            _select(self.penalty, "l1" if t.l1 > 0 and t.l2 == 0 else "l2")
            self.lam.setValue(t.l1 if t.l1 > 0 and t.l2 == 0 else t.l2)
            if isinstance(t.keep_prob, tuple):
                self.keep_layers.setText(", ".join(f"{p:g}" for p in t.keep_prob))
            else:
                self.keep_layers.clear()
                self.keep.setValue(t.keep_prob)
            self.early.setChecked(t.patience > 0)
            self.patience.setValue(t.patience or 20)
            _select(self.optimizer, t.optimizer)
            idx = self.batch.findData(t.batch_size)
            if idx < 0:
                self.batch.addItem(str(t.batch_size), t.batch_size)
                idx = self.batch.count() - 1
            self.batch.setCurrentIndex(idx)
            self.lr.setValue(t.lr)
            self.epochs.setValue(t.epochs)
            self._update_enabled()
        finally:
            self._filling = False

    # ----- reacting -----

    def _update_enabled(self) -> None:
        self.n_classes.setEnabled(self.kind.currentData() in MULTICLASS_KINDS and not self._csv)
        self.width_.setEnabled(self.depth.value() > 0)
        self.init_scale.setEnabled(self.init.currentData() != "zeros")
        self.patience.setEnabled(self.early.isChecked())
        self.keep.setEnabled(not self.keep_layers.text().strip())
        val, test = self.val_frac.value(), self.test_frac.value()
        self.split_label.setText(f"train {1 - val - test:.0%} · val {val:.0%} · test {test:.0%}")

    def _depth_or_width_changed(self) -> None:
        if self._filling:
            return
        self.widths.setText(", ".join([str(self.width_.value())] * self.depth.value()))
        self._emit()

    def _widths_edited(self) -> None:
        if self._filling:
            return
        try:
            hidden = self._hidden()
        except InputError as exc:
            self.invalid.emit(f"model.hidden: {exc}")
            return
        self._filling = True
        self.depth.setValue(min(len(hidden), MAX_LAYERS))
        if hidden:
            self.width_.setValue(min(max(hidden[0], 1), MAX_UNITS))
        self._filling = False
        self._emit()

    def _emit(self, *_) -> None:
        if self._filling:
            return
        self._update_enabled()
        try:
            config = self.config()
        except InputError as exc:
            self.invalid.emit(str(exc))
            return
        self.changed.emit(config)
