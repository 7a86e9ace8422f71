import dataclasses
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from deepdials.core.config.schema import DataConfig
from deepdials.core.data.bayes import bayes_error, posterior
from deepdials.core.data.dataprep import build_data, split_sizes
from deepdials.core.data.points import MAX_CSV_ROWS, load_points
from deepdials.core.errors import InputError

SPLITS = ("train", "val", "test")


def splits_of(data):
    return [getattr(data, name) for name in SPLITS]


def assert_same_split(a, b):
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    assert np.array_equal(a.augmented, b.augmented) and a.shifted == b.shifted


def test_same_config_gives_bit_identical_data():
    cfg = DataConfig(kind="spiral", n_classes=3, mismatch=0.4, augment=2, scale_x1=3.0, seed=5)
    a, b = build_data(cfg), build_data(cfg)
    for sa, sb in zip(splits_of(a), splits_of(b), strict=True):
        assert_same_split(sa, sb)
    assert (a.n_classes, a.bayes_error, a.bayes_error_shifted, a.extent) == (
        b.n_classes,
        b.bayes_error,
        b.bayes_error_shifted,
        b.extent,
    )
    c = build_data(dataclasses.replace(cfg, seed=6))
    assert not np.array_equal(a.train.X, c.train.X)


def test_splits_have_the_sizes_the_fractions_say_with_the_right_types():
    data = build_data(DataConfig(n_points=400, split=(0.6, 0.2, 0.2)))
    assert [len(s.y) for s in splits_of(data)] == [240, 80, 80]
    for s in splits_of(data):
        assert s.X.dtype == np.float64 and s.y.dtype == np.int64 and s.augmented.dtype == bool
        assert s.X.shape == (len(s.y), 2) and s.augmented.shape == s.y.shape
    data = build_data(DataConfig(n_points=101, split=(0.7, 0.3, 0.0)))
    assert [len(s.y) for s in splits_of(data)] == [71, 30, 0]
    assert data.test.X.shape == (0, 2) and data.test.y.shape == (0,)


@given(
    n=st.integers(1, 5000),
    a=st.integers(0, 100),
    b=st.integers(0, 100),
    c=st.integers(0, 100),
)
def test_split_sizes_add_up_and_round_each_fraction(n, a, b, c):
    fractions = (a / (a + b + c), b / (a + b + c), c / (a + b + c)) if a + b + c else (1, 0, 0)
    sizes = split_sizes(n, fractions)
    assert sizes.sum() == n
    assert np.all(np.abs(sizes - np.array(fractions) * n) < 1)


def test_every_class_is_split_in_the_same_proportions():
    data = build_data(DataConfig(kind="blobs", n_classes=5, n_points=1000, split=(0.5, 0.3, 0.2)))
    for s, fraction in zip(splits_of(data), (0.5, 0.3, 0.2), strict=True):
        counts = np.bincount(s.y, minlength=5)
        assert np.all(np.abs(counts - fraction * 200) <= 1), counts


def test_changing_augment_or_mismatch_leaves_what_they_do_not_touch():
    base = DataConfig(kind="xor", n_points=300, noise=0.2)
    plain = build_data(base)
    augmented = build_data(dataclasses.replace(base, augment=3))
    mismatched = build_data(dataclasses.replace(base, mismatch=0.5))
    n = len(plain.train.y)
    assert np.array_equal(augmented.train.X[:n], plain.train.X)
    assert_same_split(augmented.val, plain.val)
    assert_same_split(augmented.test, plain.test)
    assert_same_split(mismatched.train, plain.train)
    assert np.array_equal(mismatched.val.y, plain.val.y)  # same labels, fresh points


def test_mismatch_moves_val_and_test_and_raises_their_bayes_error():
    m = 0.8
    cfg = DataConfig(kind="circles", n_points=6000, noise=0.1, mismatch=m)
    data = build_data(cfg)
    plain = build_data(dataclasses.replace(cfg, mismatch=0.0))
    assert not data.train.shifted and data.val.shifted and data.test.shifted
    assert plain.bayes_error_shifted is None and data.bayes_error == plain.bayes_error
    for s in (data.val, data.test):
        assert abs(s.X[:, 0].mean() - 0.5 * m) < 0.05  # circles are centred on 0
        assert abs(s.X[:, 1].mean()) < 0.05
    expected = bayes_error("circles", 2, math.hypot(0.1, 0.3 * m))
    assert data.bayes_error_shifted == expected > data.bayes_error + 0.1
    # the val points really are that noisier distribution: the radius spread grows
    radius = np.hypot(data.val.X[:, 0] - 0.5 * m, data.val.X[:, 1])
    inner = radius[data.val.y == 1]
    assert np.std(inner) == pytest.approx(math.hypot(0.1, 0.3 * m), rel=0.15)


def test_augmentation_adds_flagged_copies_to_train_only():
    cfg = DataConfig(kind="moons", n_points=200, augment=4)
    data = build_data(cfg)
    n = len(build_data(dataclasses.replace(cfg, augment=0)).train.y)
    assert len(data.train.y) == 5 * n
    assert not data.train.augmented[:n].any() and data.train.augmented[n:].all()
    assert not data.val.augmented.any() and not data.test.augmented.any()
    assert not build_data(dataclasses.replace(cfg, augment=0)).train.augmented.any()


def test_augmented_circles_keep_the_radius_of_their_class():
    data = build_data(DataConfig(kind="circles", n_points=300, noise=0.0, augment=5))
    aug = data.train.augmented
    radius = np.hypot(data.train.X[aug, 0], data.train.X[aug, 1])
    assert np.abs(radius - np.where(data.train.y[aug] == 0, 1.0, 0.5)).max() < 0.1  # 5σ jitter
    original = data.train.X[~aug]
    assert not np.isin(data.train.X[aug, 0], original[:, 0]).any()  # moved, not copied


@pytest.mark.parametrize(
    "kind, K", [("moons", 2), ("xor", 2), ("spiral", 3), ("blobs", 5), ("linear", 2)]
)
def test_augmented_labels_follow_the_symmetry_of_the_distribution(kind, K):
    """Augmented points are the distribution with noise √(σ² + 0.02²): its Bayes classifier
    reads their labels at its Bayes error rate (a wrong label map would be far off)."""
    noise = 0.1
    data = build_data(DataConfig(kind=kind, n_classes=K, n_points=1000, noise=noise, augment=3))
    aug = data.train.augmented
    sigma = math.hypot(noise, 0.02)
    guess = posterior(kind, K, sigma, data.train.X[aug]).argmax(axis=1)
    assert np.mean(guess != data.train.y[aug]) <= bayes_error(kind, K, sigma) + 0.03


def test_scale_x1_multiplies_x1_of_every_split_and_the_extent_follows():
    cfg = DataConfig(kind="linear", n_points=200, augment=1, mismatch=0.3)
    plain, scaled = build_data(cfg), build_data(dataclasses.replace(cfg, scale_x1=50.0))
    for a, b in zip(splits_of(plain), splits_of(scaled), strict=True):
        assert np.allclose(b.X[:, 0], 50.0 * a.X[:, 0], rtol=1e-15)
        assert np.array_equal(b.X[:, 1], a.X[:, 1])
    assert np.allclose(scaled.extent[:2], np.multiply(plain.extent[:2], 50.0))
    assert scaled.extent[2:] == plain.extent[2:]


def test_extent_covers_every_point_with_a_ten_percent_margin():
    data = build_data(DataConfig(kind="spiral", n_classes=4, augment=2, mismatch=1.0))
    X = np.concatenate([s.X for s in splits_of(data)])
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * (hi - lo)
    x1_min, x1_max, x2_min, x2_max = data.extent
    assert np.allclose([x1_min, x2_min], lo - pad) and np.allclose([x1_max, x2_max], hi + pad)


def test_blobs_without_noise_give_a_usable_extent():
    data = build_data(DataConfig(kind="blobs", n_classes=2, noise=0.0))
    x1_min, x1_max, x2_min, x2_max = data.extent
    assert x1_max > x1_min and x2_max > x2_min and data.bayes_error == 0.0


# ----- CSV -----


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def csv_rows(n, labels=(0, 1, 2), split=None):
    header = "x1,x2,label" + (",split" if split else "")
    rows = [f"{i * 0.1:.3f},{(-1) ** i * i * 0.01:.3f},{labels[i % len(labels)]}" for i in range(n)]
    if split:
        rows = [f"{r},{split[i % len(split)]}" for i, r in enumerate(rows)]
    return "\n".join([header, *rows]) + "\n"


def test_csv_with_a_split_column_decides_the_split(tmp_path):
    path = write(tmp_path, csv_rows(30, split=("train", "train", "val", "test", " Train ")))
    p = load_points(path)
    X, y, names = p.X, p.y, p.split
    assert (
        X.shape == (30, 2)
        and y.dtype == np.int64
        and list(names[:5]) == ["train", "train", "val", "test", "train"]
    )
    data = build_data(DataConfig(kind="csv", csv="data.csv", augment=2), base_dir=tmp_path)
    assert data.n_classes == 3 and data.bayes_error is None and data.bayes_error_shifted is None
    assert len(data.val.y) == 6 and len(data.test.y) == 6 and len(data.train.y) == 3 * 18
    assert np.array_equal(data.val.X, X[names == "val"])
    aug = data.train.augmented
    assert np.array_equal(data.train.y[aug], np.tile(y[names == "train"], 2))  # labels kept
    jitter = data.train.X[aug] - np.tile(X[names == "train"], (2, 1))
    assert np.abs(jitter).max() < 5 * 0.02 * X[names == "train"].std(axis=0).max()


def test_csv_without_a_split_column_is_split_by_the_fractions(tmp_path):
    path = write(
        tmp_path,
        "\ufeffX1, x2 ,Label,comment\n" + csv_rows(50).split("\n", 1)[1].replace("\n", ",note\n"),
    )
    p = load_points(path)
    X, y, names = p.X, p.y, p.split
    assert names is None and X.shape == (50, 2) and set(y) == {0, 1, 2}
    cfg = DataConfig(kind="csv", csv=str(path), split=(0.6, 0.2, 0.2), mismatch=0.5, scale_x1=2)
    data = build_data(cfg)
    assert [len(s.y) for s in splits_of(data)] == [30, 10, 10]
    assert data.val.shifted and not data.train.shifted
    assert np.isin(data.train.X[:, 0] / 2, X[:, 0]).all()  # train untouched but for scale_x1
    assert not np.isin(data.val.X[:, 0] / 2, X[:, 0]).any()  # val moved by the mismatch


def test_csv_accepts_whole_number_labels_written_as_floats_and_skips_blank_lines(tmp_path):
    p = load_points(write(tmp_path, "x1,x2,label\n\n1,2,0.0\n3,4,1\n\n"))
    assert np.array_equal(p.X, [[1, 2], [3, 4]]) and np.array_equal(p.y, [0, 1])


@pytest.mark.parametrize(
    "text, match",
    [
        ("", "empty"),
        ("\n  \n", "empty"),
        ("x1,x2,label\n", "no data rows"),
        ("x1,z,label\n1,2,0\n", "line 1: no column x2"),
        ("x1,y,label\n1,2,0\n", "line 1: columns label and y; name one"),
        ("x1,x2,x1,label\n1,2,3,0\n", "column x1 twice"),
        ("x1,x2,label\n1,2,0\n1,abc,1\n", "line 3, column x2: 'abc' is not a number"),
        ("x1,x2,label\n1,2,0\nnan,2,1\n", "line 3, column x1: 'nan' is not a finite number"),
        ("x1,x2,label\n1,2,0\n1,-inf,1\n", "line 3, column x2: '-inf' is not a finite"),
        ("x1,x2,label\n1,2,1\n3,4,1\n", "every row has label 1; need 2 classes"),
        ("x1,x2,label\n1,2,0\n3,4,2\n", "no row has label 1"),
        ("x1,x2,label\n1,2,0\n3,4,7\n", "line 3, column label: '7' is not a class label"),
        ("x1,x2,label\n1,2,0\n3,4,1.5\n", "line 3, column label: '1.5' is not a class label"),
        ("x1,x2,label\n1,2,0\n3,4,-1\n", "'-1' is not a class label"),
        ("x1,x2,label\n1,2,0\n3,4\n", "line 3: 2 cells; column label is cell 3"),
        ("x1,x2,label,split\n1,2,0,train\n3,4,1,tset\n", "line 3, column split: 'tset' is not"),
        ("x1,x2,label,split\n1,2,0,train\n3,4,1,\n", "line 3, column split: '' is not"),
        ("x1,x2,label,split\n1,2,0,val\n3,4,1,test\n", "column split: no row is in train"),
    ],
)
def test_bad_csv_content_is_a_one_line_input_error_naming_file_and_place(tmp_path, text, match):
    path = write(tmp_path, text, name="bad input.csv")
    with pytest.raises(InputError, match=match) as info:
        load_points(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message


def test_missing_file_binary_file_and_wrong_encoding_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_points(tmp_path / "nowhere.csv")
    with pytest.raises(InputError, match="cannot read"):
        load_points(tmp_path)  # a directory
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match="binary content"):
        load_points(binary)
    latin = tmp_path / "latin.csv"
    latin.write_bytes("x1,x2,label\n1,2,0\n3,4,1 é\n".encode("latin-1"))
    with pytest.raises(InputError, match="not a UTF-8 text file"):
        load_points(latin)
    with pytest.raises(InputError, match="nowhere.csv: cannot read"):
        build_data(DataConfig(kind="csv", csv="nowhere.csv"), base_dir=tmp_path)


def test_csv_with_too_many_rows_is_refused(tmp_path):
    path = write(tmp_path, csv_rows(MAX_CSV_ROWS + 1, labels=(0, 1)))
    with pytest.raises(InputError, match=f"line {MAX_CSV_ROWS + 2}: more than {MAX_CSV_ROWS}"):
        load_points(path)
    assert len(load_points(write(tmp_path, csv_rows(MAX_CSV_ROWS, labels=(0, 1))))) == MAX_CSV_ROWS


def test_mismatch_keeps_the_val_points_as_drawn_as_the_train_dev_split():
    cfg = DataConfig(kind="moons", n_points=300, noise=0.2, mismatch=0.5, scale_x1=2.0)
    data = build_data(cfg)
    plain = build_data(dataclasses.replace(cfg, mismatch=0.0))
    assert plain.train_dev is None
    assert_same_split(data.train, plain.train)  # no training point is given up
    dev = data.train_dev
    assert not dev.shifted and not dev.augmented.any()
    assert np.array_equal(dev.X, plain.val.X) and np.array_equal(dev.y, plain.val.y)
    assert_same_split(build_data(cfg).train_dev, dev)  # reproducible
