"""The settings table: one row per config key, and everything about it.

A row holds the key's allowed values and default, whether it is hot (applies to the
running network at its next step) or structural (starts a new run), the label and
tooltip of its control (what it does, and its formula), how the control looks, when the
control is shown or applies, and the rule that ties the key to others (`Rule`: early
stopping needs a validation split; more than two classes need a kind that has them).
The config dataclasses, validation, the keys that follow a change, `needs_new_run`, the
controls classroom mode may hide and enable, the control panel and the README's config
tables are all made from these rows and from the data kinds' traits
(`core.data.kinds`); nothing else types a key's range, default or rule again.

The rows are in the order of the control panel; the JSON file lists each section's keys
in the same order. `python -m deepdials.core.config.table` prints the README's config tables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from deepdials.core.config import controls as c
from deepdials.core.config.values import Choice, FilePath, Flag, Items, Kind, Name, Num, NumOrItems
from deepdials.core.data.features import FEATURES, ONE_INPUT_FEATURES
from deepdials.core.data.kinds import CHOSEN_CLASSES, DATA_KINDS, MAX_CLASSES, inputs_of, task_of
from deepdials.core.engine.activations import ACTIVATIONS
from deepdials.core.engine.initializers import INITIALIZERS
from deepdials.core.engine.optimizers import OPTIMIZERS
from deepdials.core.lessons.steps import StepList, settable

SECTIONS = ("data", "model", "train", "classroom", "lesson")
GROUPS = ("Data", "Network", "Regularization", "Optimization")
MAX_POINTS = 20_000
MAX_LAYERS = 50
MAX_UNITS = 256
MAX_SEED = 2**32 - 1
MAX_EPOCHS = 1_000_000
MIN_NOISE = 0.01  # smaller noise makes the Bayes error slow to compute, and is 0 in effect
MIN_MISMATCH = 0.05
PROB = Num(float, 0.0, 1.0, open_lo=True)


def _always(config, data) -> bool:
    return True


@dataclass(frozen=True)
class Setting:
    key: str  # "section.name"
    allowed: Kind
    default: Any
    hot: bool  # True: the running network takes it at its next step; False: a new run
    tip: str  # what it does, and its formula: the control's tooltip, the README's meaning
    label: str = ""  # the control's label
    control: c.Control | None = None  # None: no control of its own
    group: str = ""  # the control panel's group box, one of GROUPS
    note: str = ""  # added to the README's "allowed" column
    # of the current Config and the current run's Data (or None): is the control shown?
    shown: Callable[[Any, Any], bool] = _always
    applies: Callable[[Any, Any], bool] = _always  # … and does it apply?
    why_not: str = ""  # the tooltip's first line when it does not
    rule: Rule | None = None  # the rule that ties this key to others

    @property
    def section(self) -> str:
        return self.key.split(".")[0]

    @property
    def name(self) -> str:
        return self.key.split(".")[1]

    @property
    def hideable(self) -> bool:
        """Classroom mode may hide every key that has a control."""
        return self.control is not None

    def enabled(self, config, data) -> bool:
        """Whether the control can be changed: it applies and its rule holds."""
        return self.applies(config, data) and (self.rule is None or self.rule.holds(config, data))

    @property
    def disabled_tip(self) -> str:
        """Why the control cannot be changed, when it cannot."""
        return self.rule.tip if self.rule is not None else self.why_not


@dataclass(frozen=True)
class Rule:
    """A rule between keys, for the key of the row that holds it: the key may differ from `off`
    only while `holds(config, data)` (data: the run's Data, None for a config on its own).
    Validation refuses a config that breaks it, with `message` ("{kind}" stands for
    data.kind; or a function of the config); a change of another key that breaks it sets the
    key to `off`; and the key's control is enabled only while it holds, `tip` saying why
    not. A rule may say more of how the key follows a change of another key: `mend(value,
    config)`, the part of a broken value that keeps the rule (in place of `off`);
    `regain(value, before, after)`, the key's value when the change from config `before` to
    `after` makes room again for what `mend` took away."""

    off: Any
    holds: Callable[[Any, Any], bool]
    message: str | Callable[[Any], str]
    tip: str
    mend: Callable[[Any, Any], Any] | None = None
    regain: Callable[[Any, Any, Any], Any] | None = None

    def broken(self, value: Any, config, data=None) -> bool:
        """Whether the key's `value` breaks the rule in `config` (with the run's `data`)."""
        return value != self.off and not self.holds(config, data)

    def kept(self, value: Any, config) -> Any:
        """What the key's broken `value` becomes in `config`: `mend`'s part of it, or `off`."""
        return self.off if self.mend is None else self.mend(value, config)

    def followed(self, value: Any, before, after) -> Any:
        """The key's `value` after another key changed from config `before` to `after`."""
        if self.broken(value, after):
            return self.kept(value, after)
        return value if self.regain is None else self.regain(value, before, after)

    def why(self, config) -> str:
        if callable(self.message):
            return self.message(config)
        return self.message.format(kind=config.data.kind)


def has_validation(config, data=None) -> bool:
    """Whether a run of `config` has validation points: drawn points when data.split[1] >
    0; points of one's own when the run's data hold some (before a run: they may)."""
    if DATA_KINDS[config.data.kind].drawn:
        return config.data.split[1] > 0
    return data is None or len(data.val.y) > 0


def _more_classes_possible(config, data=None) -> bool:
    return DATA_KINDS[config.data.kind].classes in ("chosen", "given") and (
        task_of(config.data, data) == "classes"
    )


def _classes_message(config) -> str:
    kind = config.data.kind
    if task_of(config.data) == "regression":
        return f"{kind} is a regression set (real targets): it has no classes; leave it at 2"
    return f"{kind} has 2 classes; more are possible for {_CHOSEN}"


def features_offered(config, data=None) -> tuple[str, ...]:
    """The features a run of `config` can have: those of x₁ alone for a set with one input."""
    return ONE_INPUT_FEATURES if inputs_of(config.data, data) == 1 else FEATURES


def _features_fit(config, data=None) -> bool:
    return set(config.data.features) <= set(features_offered(config, data))


def _features_message(config) -> str:
    offered = ", ".join(ONE_INPUT_FEATURES)
    return (
        f"{list(config.data.features)} uses x2, but {config.data.kind} has one input, x1; "
        f"choose among {offered}"
    )


def _classes_chosen(config, data) -> bool:
    return DATA_KINDS[config.data.kind].classes == "chosen"


def _split_applies(config, data) -> bool:
    return DATA_KINDS[config.data.kind].drawn or data is None or not data.own_split


_CHOSEN = " and ".join(CHOSEN_CLASSES)
NEEDS_VALIDATION = Rule(
    0,
    has_validation,
    "early stopping needs a validation split (data.split[1] > 0)",
    "Early stopping needs a validation split.",
)
TWO_CLASSES = Rule(
    2,
    _more_classes_possible,
    _classes_message,
    f"This data set has two classes (a regression set, none); {_CHOSEN} can have up to "
    f"{MAX_CLASSES}.",
)
X1_ALONE = ("x1",)


def _x1_part(features, config) -> tuple[str, ...]:
    """The features of x₁ alone among `features` (x₁ itself when none are)."""
    return tuple(f for f in features if f in ONE_INPUT_FEATURES) or X1_ALONE


def _x2_back(features, before, after) -> tuple[str, ...]:
    """`features` after a change from a set of one input to a set of two: x₁ and x₂ come
    back beside the features of x₁ that were ticked (in FEATURES' order)."""
    if inputs_of(before.data) == 1 and DATA_KINDS[after.data.kind].inputs == 2:
        return tuple(f for f in FEATURES if f in {"x1", "x2", *features})
    return features


ONE_INPUT = Rule(
    X1_ALONE,
    _features_fit,
    _features_message,
    "This data set has one input, x₁: only x₁, x₁², sin x₁.",
    mend=_x1_part,
    regain=_x2_back,
)


SETTINGS: tuple[Setting, ...] = (
    # ----- Data -----
    Setting(
        "data.kind",
        Choice(tuple(DATA_KINDS)),
        "circles",
        hot=False,
        label="Data set",
        group="Data",
        tip="The toy data set, or your own points (csv). Its generating distribution is "
        "known, so the Bayes error (the best any classifier can do) is computed. sine, abs, "
        "plane, gauss are regression sets, y = f(x) + ε: a linear output, the mean squared "
        "error, Bayes error σ².",
        control=c.Combo(
            c.options_for(
                tuple(DATA_KINDS),
                {
                    "circles": ("Circles", "an inner ring of one class inside an outer ring"),
                    "moons": ("Moons", "two interleaving half circles"),
                    "xor": ("XOR", "opposite quadrants share a class: no line separates them"),
                    "spiral": ("Spiral", "K interleaved spiral arms, one per class"),
                    "blobs": ("Blobs", "K Gaussian clouds, one per class"),
                    "linear": ("Linear", "two classes on either side of a line"),
                    "sine": ("Sine (regression)", "y = sin(πx) + noise: a curve, one input"),
                    "abs": ("|x| (regression)", "y = |x| + noise: a sharp bend, one input"),
                    "plane": ("Plane (regression)", "y = (x₁ + x₂)/2 + noise: a tilted plane"),
                    "gauss": ("Bumps (regression)", "y = signed Gaussian bumps + noise"),
                    "csv": ("Your points", "points drawn or imported (Data menu)"),
                },
            ),
            only_when_current=("csv",),
        ),
    ),
    Setting(
        "data.csv",
        FilePath(),
        None,
        hot=False,
        tip='the points, for kind "csv": a CSV file (below), relative to the config file',
    ),
    Setting(
        "data.n_classes",
        Num(int, 2, MAX_CLASSES),
        2,
        hot=False,
        label="Classes",
        group="Data",
        note="more than 2 only for " + " and ".join(f"`{k}`" for k in CHOSEN_CLASSES),
        tip="Number of classes K (spiral arms, blobs). K > 2 uses a softmax output: "
        "p_k = e^{z_k} / Σ_j e^{z_j}.",
        control=c.Spin(),
        applies=_classes_chosen,
        rule=TWO_CLASSES,
    ),
    Setting(
        "data.noise",
        Num(float, 0.0, 1.0),
        0.1,
        hot=False,
        label="Noise",
        group="Data",
        note=f"0, or at least {MIN_NOISE}",
        tip="Std σ of the Gaussian noise added to every point, in data units (the sets span "
        "about ±1.5). More noise: the classes overlap and the Bayes error rises. Regression: "
        "the noise of y, y = f(x) + ε, ε ~ N(0, σ²); the Bayes error is σ².",
        control=c.Slider(c.linear_values(0, 1, 0.01)),
    ),
    Setting(
        "data.n_points",
        Num(int, 10, MAX_POINTS),
        400,
        hot=False,
        label="Points",
        group="Data",
        tip="Points drawn in all, before the train / val / test split.",
        control=c.Slider(c.log_values(20, MAX_POINTS, 6), fmt=c.count),
    ),
    Setting(
        "data.split",
        Items(Num(float, 0.0, 1.0), 3, 3),
        (0.6, 0.2, 0.2),
        hot=False,
        label="Split",
        group="Data",
        note="train, val, test, adding up to 1; val and test may be 0",
        tip="Train / validation / test fractions, stratified by class (regression: along "
        "x₁). Validation (dev): "
        "what λ, keep-prob and early stopping are tuned on; test: an unbiased estimate of "
        "the final model, looked at last.",
        control=c.SplitSliders(c.linear_values(0, 0.45, 0.05)),
        applies=_split_applies,
        why_not="These points carry their own split (a split column, or drawn into one).",
    ),
    Setting(
        "data.seed",
        Num(int, 0, MAX_SEED),
        0,
        hot=False,
        label="Seed",
        group="Data",
        tip="Seed of the data: the same seed draws the same points, split and copies.",
        control=c.Seed("New data", "Draw a fresh sample from the same distribution (next seed)."),
    ),
    Setting(
        "data.mismatch",
        Num(float, 0.0, 1.0),
        0.0,
        hot=False,
        label="Mismatch",
        group="Data",
        note=f"0, or at least {MIN_MISMATCH}",
        tip="Mismatched distributions: val and test drawn afresh from a shifted, noisier "
        "distribution, shift (0.5·m, 0), noise √(σ² + (0.3·m)²) (train on sharp web photos, "
        "test on blurry phone photos). 0 = the same distribution. Regression: a shift of x, "
        "the same f, y's noise √(σ² + (0.3·m)²).",
        control=c.Slider(c.linear_values(0, 1, 0.05)),
    ),
    Setting(
        "data.augment",
        Num(int, 0, 10),
        0,
        hot=False,
        label="Augment ×",
        group="Data",
        tip="Data augmentation: add this many copies of every training point, each moved by "
        "a random symmetry of the data set (mirror, rotation, with its class mapping) plus "
        "jitter of std 0.02; for regression, (x, y) → (A x, ±y) by a symmetry of the law "
        "(sine is odd, |x| even), no jitter. Never touches val or test.",
        control=c.Spin(),
    ),
    Setting(
        "data.scale_x1",
        Num(float, 1.0, 1000.0),
        1.0,
        hot=False,
        label="Scale x₁",
        group="Data",
        tip="Badly scaled inputs: x₁ ← s·x₁ in every split. Without input normalization the "
        "cost surface becomes a long narrow valley.",
        control=c.Slider(c.log_values(1, 1000, 3), fmt=c.times),
    ),
    Setting(
        "data.features",
        Items(Choice(FEATURES), 1, len(FEATURES), unique=True),
        ("x1", "x2"),
        hot=False,
        label="Features",
        group="Data",
        tip="The network's inputs, derived from the point (x₁, x₂) (a set with one input: "
        "of x₁ alone).",
        rule=ONE_INPUT,
        control=c.CheckList(
            offered=features_offered,
            options=c.labels_for(
                FEATURES,
                {
                    "x1": "x₁",
                    "x2": "x₂",
                    "x1^2": "x₁²",
                    "x2^2": "x₂²",
                    "x1*x2": "x₁x₂",
                    "sin(x1)": "sin x₁",
                    "sin(x2)": "sin x₂",
                },
            ),
        ),
    ),
    # ----- Network -----
    Setting(
        "model.hidden",
        Items(Num(int, 1, MAX_UNITS), 0, MAX_LAYERS),
        (8, 8),
        hot=False,
        label="Hidden layers",
        group="Network",
        tip=f"Units per hidden layer, 0 to {MAX_LAYERS} layers of 1 to {MAX_UNITS} units "
        "(none: logistic, softmax or linear regression). Deep nets multiply many weight matrices, "
        "ŷ ∝ W[L]···W[1]x, so the signal can vanish or explode.",
        control=c.LayerWidths(),
    ),
    Setting(
        "model.activation",
        Choice(tuple(ACTIVATIONS)),
        "tanh",
        hot=False,
        label="Activation",
        group="Network",
        tip="The hidden layers' activation g; the output is sigmoid (2 classes) or softmax, "
        "with cross-entropy; for regression, linear (ŷ = z) with J = 1/(2m) Σ (ŷ − y)².",
        control=c.Combo(
            c.options_for(
                ACTIVATIONS,
                {
                    "relu": ("ReLU", "g(z) = max(0, z); g′ = 1 for z > 0, else 0 (units can die)"),
                    "leaky_relu": ("Leaky ReLU", "g(z) = max(0.01 z, z); g′ = 1 or 0.01"),
                    "tanh": ("tanh", "g(z) = tanh z; g′ = 1 − tanh² z (saturates for |z| ≫ 1)"),
                    "sigmoid": ("sigmoid", "g(z) = 1/(1 + e^−z); g′ = g(1 − g) ≤ 0.25"),
                    "linear": ("linear", "g(z) = z: a deep linear net is still a linear model"),
                },
            )
        ),
    ),
    Setting(
        "model.init",
        Choice(tuple(INITIALIZERS)),
        "xavier",
        hot=False,
        label="Init",
        group="Network",
        tip="How the weights start; biases start at 0. Var(W) = 1/n_in (Xavier) keeps the "
        "scale of z layer after layer through tanh, which is near-linear about 0; ReLU "
        "sets the negative half of z to 0, halving E[a²], so it needs Var(W) = 2/n_in (He).",
        control=c.Combo(
            c.options_for(
                INITIALIZERS,
                {
                    "zeros": ("zeros", "W = 0: every unit of a layer computes the same forever"),
                    "normal": ("normal × scale", "W ~ N(0, 1) · scale"),
                    "uniform": ("uniform ± scale", "W ~ U(−scale, +scale)"),
                    "xavier": ("Xavier  √(1/n)", "W ~ N(0, 1) · √(1/n_in) · scale (for tanh)"),
                    "xavier_avg": ("Xavier  √(2/(n+n′))", "W ~ N(0, 1) · √(2/(n_in + n_out))"),
                    "he": ("He  √(2/n)", "W ~ N(0, 1) · √(2/n_in) · scale (for ReLU)"),
                },
            )
        ),
    ),
    Setting(
        "model.init_scale",
        Num(float, 0.0, 100.0, open_lo=True),
        1.0,
        hot=False,
        label="Init scale",
        group="Network",
        tip="Multiplies the initial weights of every scheme: W ← scale · W.",
        control=c.Slider(c.log_values(0.001, 100, 6)),
        applies=lambda config, data: config.model.init != "zeros",
        why_not="Zeros stay zeros at any scale.",
    ),
    Setting(
        "data.normalize",
        Flag(),
        True,
        hot=False,
        label="Normalize inputs",
        group="Network",
        tip="Input normalization: x ← (x − μ) / σ with μ, σ of the training split, applied "
        "to every split and to the plotted grid.",
        control=c.Check("Normalize inputs"),
    ),
    # ----- Regularization -----
    Setting(
        "train.l2",
        Num(float, 0.0, 100.0),
        0.0,
        hot=True,
        label="L2 λ",
        group="Regularization",
        tip="L2 (weight decay): J + λ/(2m)·Σ‖W‖², so each step adds (λ/m)·W to the "
        "gradient; weights only, m = training-set size. 0 = off.",
        control=c.Slider(c.log_values(0.0001, 10, 3, off=True), fmt=c.off_or_plain),
    ),
    Setting(
        "train.l1",
        Num(float, 0.0, 100.0),
        0.0,
        hot=True,
        label="L1 λ",
        group="Regularization",
        tip="L1 (sparse weights): J + λ/(2m)·Σ|W|, so each step adds λ/(2m)·sign(W) to the "
        "gradient: weights the cost does not need are pushed to 0 and then flicker in a "
        "narrow band about it (a step jumps over 0, not onto it); weights only. 0 = off.",
        control=c.Slider(c.log_values(0.0001, 10, 3, off=True), fmt=c.off_or_plain),
    ),
    Setting(
        "train.keep_prob",
        NumOrItems(PROB, Items(PROB, 1, MAX_LAYERS + 1)),
        1.0,
        hot=True,
        label="Keep-prob",
        group="Regularization",
        note="from the input layer on",
        tip="Inverted dropout: each unit is kept with probability p in training, "
        "a ← a·d/p with d ~ Bernoulli(p); none at evaluation. One number: every hidden "
        "layer (the input is kept); a list: one per layer, the input layer first. 1 = off.",
        control=c.KeepProb(c.linear_values(0.1, 1.0, 0.05)),
    ),
    Setting(
        "train.patience",
        Num(int, 0, 100_000),
        0,
        hot=True,
        label="Early stopping",
        group="Regularization",
        note="0 = off",
        tip="Early stopping: stop when the validation loss has not improved for this many "
        "epochs, and restore the parameters of the best epoch.",
        control=c.Patience("Early stopping", default_on=20),
        rule=NEEDS_VALIDATION,
    ),
    # ----- Optimization -----
    Setting(
        "train.lr",
        Num(float, 0.0, 10.0, open_lo=True),
        0.03,
        hot=True,
        label="Learning rate",
        group="Optimization",
        tip="Learning rate α: θ ← θ − α·∂J/∂θ. Too large and the loss blows up.",
        control=c.Slider(c.log_values(0.0001, 10, 6)),
    ),
    Setting(
        "train.batch_size",
        Num(int, 0, MAX_POINTS),
        10,
        hot=True,
        label="Batch size",
        group="Optimization",
        note="0 = full batch",
        tip="Examples per update. Full batch: one exact step per epoch; mini-batches: many "
        "noisy steps per epoch, reshuffled every epoch.",
        control=c.Combo(
            {0: c.Option("full batch", "one step per epoch on the whole training set")}
            | {n: c.Option(str(n), "") for n in (1, 2, 4, 8, 10, 16, 32, 64, 128, 256, 512)}
        ),
    ),
    Setting(
        "train.optimizer",
        Choice(OPTIMIZERS),
        "sgd",
        hot=True,
        label="Optimizer",
        group="Optimization",
        tip="The update rule: gradient descent, momentum (β below), or Adam "
        "(β₁ = 0.9, β₂ = 0.999, ε = 1e-8).",
        control=c.Combo(
            c.options_for(
                OPTIMIZERS,
                {
                    "sgd": ("gradient descent", "θ ← θ − α g"),
                    "momentum": ("momentum", "v ← β v + (1 − β) g;  θ ← θ − α v"),
                    "adam": (
                        "Adam",
                        "v ← β₁v + (1−β₁)g;  s ← β₂s + (1−β₂)g²;  θ ← θ − α v̂/(√ŝ + ε)",
                    ),
                },
            )
        ),
    ),
    Setting(
        "train.momentum",
        Num(float, 0.0, 0.999),
        0.9,
        hot=True,
        label="Momentum β",
        group="Optimization",
        tip="β of the momentum optimizer: v ← β v + (1 − β) g, θ ← θ − α v, an average of "
        "the last ≈ 1/(1 − β) gradients. 0 = plain gradient descent.",
        control=c.Slider((0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)),
        shown=lambda config, data: config.train.optimizer == "momentum",
    ),
    Setting(
        "train.epochs",
        Num(int, 1, MAX_EPOCHS),
        500,
        hot=True,
        label="Stop after",
        group="Optimization",
        tip="Training stops after this many epochs (passes over the training set).",
        control=c.Spin(" epochs"),
    ),
    Setting(
        "train.seed",
        Num(int, 0, MAX_SEED),
        0,
        hot=False,
        tip="Seed of training: the initial weights, dropout masks and mini-batch order.",
    ),
)
HIDEABLE: tuple[str, ...] = tuple(s.key for s in SETTINGS if s.hideable)
SETTINGS += (
    Setting(
        "classroom.hidden",
        Items(Choice(HIDEABLE), 0, len(HIDEABLE), unique=True),
        (),
        hot=True,
        tip="The controls classroom mode hides; never changes a run.",
    ),
    Setting(
        "lesson.view",
        Name("a view's name (`deepdials --list-views`)"),
        None,
        hot=True,
        tip="The view that tells the lesson's story: shown when the config is loaded.",
    ),
    Setting(
        "lesson.speed",
        Name("a playback speed as the toolbar names it, e.g. `10 epochs/s`"),
        None,
        hot=True,
        tip="The playback speed the lesson is loaded with (null: 50 epochs/s).",
    ),
    Setting(
        "lesson.controls",
        Items(Choice(HIDEABLE), 0, len(HIDEABLE), unique=True),
        (),
        hot=True,
        tip="The controls the lesson is about: marked in the control panel.",
    ),
    Setting(
        "lesson.zoom_errors",
        Flag(),
        False,
        hot=True,
        tip="The Curves view's error axis zoomed on the later epochs (its zoom box ticked), "
        "so that a rise of a point or two shows.",
    ),
    Setting(
        "lesson.steps",
        StepList(settable({s.key: s for s in SETTINGS})),
        (),
        hot=True,
        tip="The steps a lecturer plays one at a time (Next step, Back): each with its text "
        "and what it does (see Lesson steps). Loading the lesson plays step 1.",
    ),
)
BY_KEY: dict[str, Setting] = {s.key: s for s in SETTINGS}


def section_rows(section: str) -> list[Setting]:
    return [s for s in SETTINGS if s.section == section]


# ----- the README's config tables -----


def _markdown_allowed(kind: Kind) -> str:
    if isinstance(kind, Choice):
        if kind.options == HIDEABLE:
            return "keys with a control, e.g. `data.noise`"
        listed = ", ".join(f"`{o}`" for o in kind.options)
        return listed + (", `null`" if kind.optional else "")
    if isinstance(kind, Num) and kind.kind is int:
        return f"{kind.lo:,.0f} to {kind.hi:,.0f}".replace(f"{MAX_SEED:,}", "2³²−1")
    if isinstance(kind, Items):
        each = _markdown_allowed(kind.item)
        unique = ", each at most once" if kind.unique else ""
        if kind.min_len == kind.max_len:
            return f"{kind.min_len} numbers, each {each}"
        return f"a list of {kind.min_len} to {kind.max_len}, each {each}{unique}"
    if isinstance(kind, NumOrItems):
        return f"{kind.num.describe()}, or a list of them"
    if isinstance(kind, Flag):
        return "`true`, `false`"
    return kind.describe()


def markdown_table(section: str) -> str:
    """The README's table of one section: key, default, allowed, meaning."""
    import json

    lines = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    for s in section_rows(section):
        default = json.dumps(list(s.default) if isinstance(s.default, tuple) else s.default)
        allowed = _markdown_allowed(s.allowed) + (f"; {s.note}" if s.note else "")
        meaning = s.tip.replace("|", "\\|")
        lines.append(f"| `{s.name}` | `{default}` | {allowed} | {meaning} |")
    return "\n".join(lines)


if __name__ == "__main__":
    for name in SECTIONS:
        print(f"### `{name}`\n\n{markdown_table(name)}\n")
