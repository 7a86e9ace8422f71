"""The command line's output: whatever happens to it (a full disk, a closed standard output,
a reader gone, Ctrl+C), it ends in one line, an exit status that says so, and no file
left half-written or lying about."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deepdials.core.cli import main

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "deepdials"]
QUICK = {"schema": 1, "train": {"epochs": 2}}
LONG = {  # minutes of training: only a signal ends it
    "schema": 1,
    "data": {"n_points": 20000},
    "model": {"hidden": [64, 64, 64]},
    "train": {"epochs": 1_000_000, "batch_size": 10},
}


def config(tmp_path, raw=QUICK) -> str:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(raw))
    return str(path)


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_standard_output_is_one_line_and_exit_2(tmp_path):
    with open("/dev/full", "w") as full:  # only as the child's standard output
        result = subprocess.run(
            [*CLI, "run", config(tmp_path)], cwd=ROOT, stdout=full, stderr=subprocess.PIPE
        )
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "deepdials: error: cannot write the results to standard output (No space left on device)\n"
    )


def test_a_closed_standard_output_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *CLI, "run", config(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    closed = "deepdials: error: cannot write the results: standard output is closed\n"
    assert result.stderr == closed


def test_a_reader_gone_before_the_first_byte_ends_the_output_quietly(tmp_path):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [*CLI, "run", config(tmp_path)], cwd=ROOT, stdout=write_end, stderr=subprocess.PIPE
        )
    finally:
        os.close(write_end)
    assert result.returncode == 0 and result.stderr == b""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_during_run_out_exits_130_in_one_line_leaving_the_earlier_file(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("the earlier results")
    child = subprocess.Popen(
        [*CLI, "run", config(tmp_path, LONG), "--out", str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        # training has begun once the child has spent more CPU than its imports take
        while cpu_seconds(child.pid) < 2.5 and child.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 130
    assert stdout == "" and stderr == "deepdials: interrupted\n"
    assert out.read_text() == "the earlier results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "r.json"]


def test_ctrl_c_while_the_results_are_written_leaves_no_temporary_file(
    tmp_path, capsys, monkeypatch
):
    out = tmp_path / "r.json"
    out.write_text("the earlier results")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    assert main(["run", config(tmp_path), "--out", str(out)]) == 130
    assert capsys.readouterr().err == "deepdials: interrupted\n"
    assert out.read_text() == "the earlier results"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "r.json"]


def test_a_gradient_check_goes_on_when_its_progress_cannot_be_shown(tmp_path):
    with open(os.devnull, "w") as nowhere:
        result = subprocess.run(
            ["sh", "-c", 'exec "$@" 2>&-', "sh", *CLI, "gradcheck", config(tmp_path)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stdin=nowhere,
            text=True,
        )
    assert result.returncode == 0 and json.loads(result.stdout)["verdict"]
