"""`deepdials run` and `deepdials gradcheck`: JSON out, exit codes, one-line errors."""

import json

import pytest

from deepdials.core.cli import main

KEYS = {
    "config",
    "status",
    "epochs_run",
    "diverged_at_epoch",
    "final",
    "bayes_error",
    "diagnosis",
    "history",
    "layers",
    "timing",
}


def write(tmp_path, raw, name="c.json"):
    path = tmp_path / name
    path.write_text(json.dumps(raw))
    return str(path)


def test_run_prints_one_json_object_with_the_results(tmp_path, capsys):
    path = write(tmp_path, {"schema": 1, "train": {"epochs": 5}})
    assert main(["run", path]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= KEYS
    assert out["status"] == "finished" and out["epochs_run"] == 5
    assert set(out["final"]) == {"train", "val", "test"}
    assert set(out["final"]["val"]) == {"loss", "error", "accuracy"}
    assert set(out["diagnosis"]) >= {"avoidable_bias", "variance", "verdict", "advice"}
    assert len(out["history"]["train_loss"]) == 6
    assert out["timing"]["epochs_per_second"] > 0
    assert out["config"]["train"]["epochs"] == 5


def test_epochs_option_overrides_the_config_and_out_writes_a_file(tmp_path, capsys):
    path = write(tmp_path, {"schema": 1})
    target = tmp_path / "out.json"
    assert main(["run", path, "--epochs", "3", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(target.read_text())["epochs_run"] == 3


def test_a_diverged_run_is_a_result_with_exit_zero(tmp_path, capsys):
    path = write(
        tmp_path,
        {
            "schema": 1,
            "model": {"init": "normal", "init_scale": 50, "hidden": [32] * 8, "activation": "relu"},
            "train": {"lr": 10, "epochs": 30},
        },
    )
    assert main(["run", path]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "diverged" and isinstance(out["diverged_at_epoch"], int)
    assert out["diagnosis"]["verdict"] == "diverged"


def test_a_diverged_runs_layers_hold_its_last_finite_epoch(capsys):
    from deepdials.resources import PRESETS

    assert main(["run", str(PRESETS / "exploding_gradients.json")]) == 0
    out = json.loads(capsys.readouterr().out)
    layers, history = out["layers"], out["history"]
    assert out["status"] == "diverged"
    assert layers["epoch"] == out["diverged_at_epoch"] - 1
    for name in ("act_std", "grad_std", "grad_norm", "update_ratio"):
        assert None not in layers[name], name
    # the Depth view's figure: null at epoch 0 (no step yet), then the history's own row
    assert history["grad_norm"][0] == [None] * len(layers["grad_norm"])
    assert layers["grad_norm"] == history["grad_norm"][history["epoch"].index(layers["epoch"])]


@pytest.mark.parametrize(
    "raw, message",
    [
        ({"schema": 1, "train": {"keep_prob": 1.5}}, "train.keep_prob: 1.5 is not in (0, 1]"),
        ({"schema": 1, "model": {"hidden": [8] * 1000}}, "model.hidden: has 1000 entries"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, capsys, raw, message):
    path = write(tmp_path, raw)
    target = tmp_path / "out.json"
    assert main(["run", path, "--out", str(target)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and captured.err.count("\n") == 1
    assert not target.exists()


def test_epochs_out_of_range_is_bad_input(tmp_path, capsys):
    assert main(["run", write(tmp_path, {"schema": 1}), "--epochs", "0"]) == 2
    assert "--epochs: 0 is not in [1, 1e+06]" in capsys.readouterr().err


def test_gradcheck_reports_great_and_catches_a_planted_bug(tmp_path, capsys):
    path = write(tmp_path, {"schema": 1, "train": {"l2": 0.5}})
    assert main(["gradcheck", path]) == 0
    good = json.loads(capsys.readouterr().out)
    assert good["verdict"] == "great" and good["difference"] < 1e-7
    assert set(good["blocks"]) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    assert main(["gradcheck", path, "--plant-bug", "2"]) == 0
    bad = json.loads(capsys.readouterr().out)
    assert bad["verdict"] == "bug" and bad["worst"][0]["block"] == "W2"


def test_gradcheck_says_what_it_compared_and_a_budget_stops_it_with_an_even_sample(
    tmp_path, capsys
):
    path = write(tmp_path, {"schema": 1, "model": {"hidden": [40, 40]}})
    assert main(["gradcheck", path]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["complete"] and whole["checked"] == whole["planned"] == whole["n_params"]
    assert whole["sample"] == f"all {whole['n_params']:,} components"
    assert whole["seconds"] > 0
    assert main(["gradcheck", path, "--max-seconds", "1e-9"]) == 0  # spent by the set-up
    cut = json.loads(capsys.readouterr().out)
    assert cut["checked"] == 1 and not cut["complete"] and cut["planned"] == whole["planned"]
    assert "stopped by the 1e-09 s budget" in cut["sample"]
    assert [value is not None for value in cut["blocks"].values()].count(True) == 1
    assert set(cut) == set(whole)


def test_gradcheck_reports_progress_on_stderr_and_prints_the_same_json(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr("deepdials.core.cli.PROGRESS_SECONDS", 0.0)
    monkeypatch.setattr("deepdials.core.cli.PROGRESS_LINE_SECONDS", 0.0)
    path = write(tmp_path, {"schema": 1, "model": {"hidden": [5]}})
    assert main(["gradcheck", path]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    n = json.loads(captured.out)["planned"]
    assert len(lines) == n - 1  # after every component but the last (stderr is no terminal)
    assert lines[0].startswith(f"deepdials gradcheck: 1 of {n} components, ")
    assert all(" s left" in line for line in lines)


@pytest.mark.parametrize("seconds", ["0", "-1", "nan", "inf", "abc"])
def test_gradcheck_refuses_a_budget_that_is_not_a_positive_number(tmp_path, capsys, seconds):
    assert main(["gradcheck", write(tmp_path, {"schema": 1}), "--max-seconds", seconds]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1


def test_gradcheck_rejects_a_layer_that_does_not_exist(tmp_path, capsys):
    assert main(["gradcheck", write(tmp_path, {"schema": 1}), "--plant-bug", "9"]) == 2
    assert "plant_bug: layer 9 is not in [1, 3]" in capsys.readouterr().err


@pytest.mark.parametrize(
    "rows, message",
    [
        ("x1,x2,label\n0,0,0\n1,nan,1\n", "nan"),
        ("x1,x2,label\n0,0,0\n1,1,0\n", "class"),
        ("x1,label\n0,0\n1,1\n", "x2"),
    ],
)
def test_a_bad_csv_file_exits_2_naming_the_file(tmp_path, capsys, rows, message):
    (tmp_path / "points.csv").write_text(rows)
    path = write(tmp_path, {"schema": 1, "data": {"kind": "csv", "csv": "points.csv"}})
    assert main(["run", path]) == 2
    err = capsys.readouterr().err
    assert "points.csv" in err and message in err.lower() and err.count("\n") == 1


def test_a_mismatched_run_reports_its_train_dev_split_and_the_data_mismatch(tmp_path, capsys):
    data = {"kind": "circles", "n_points": 300, "noise": 0.08, "mismatch": 0.6}
    path = write(tmp_path, {"schema": 1, "data": data, "train": {"epochs": 5}})
    assert main(["run", path]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["final"]) == {"train", "val", "test", "train_dev"}
    assert len(out["history"]["train_dev_error"]) == 6
    d = out["diagnosis"]
    assert d["bayes_error_shifted"] == out["bayes_error_shifted"] > out["bayes_error"]
    train_dev = out["final"]["train_dev"]["error"]
    assert d["variance"] == pytest.approx(train_dev - out["final"]["train"]["error"])
    assert d["mismatch"] == pytest.approx(
        out["final"]["val"]["error"] - d["bayes_error_shifted"] - train_dev + d["bayes_error"]
    )
