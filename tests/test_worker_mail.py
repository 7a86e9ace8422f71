"""The worker's mailbox: every gradient check asked for is answered once, also one
withdrawn before the worker began it (the Gradient check page counts on one answer per
check to know which is the current one); a run asked to go on from a lesson step's end
does, whatever word follows before the worker reads its mail."""

from deepdials.app.frames import CheckStopped
from deepdials.app.worker import TrainingWorker
from deepdials.core.engine.experiment import Experiment
from deepdials.core.engine.run import advance
from tests.helpers import small_config


def test_a_check_withdrawn_before_it_began_is_answered_as_stopped(qtbot):
    worker = TrainingWorker()
    answers = []
    worker.gradient_checked.connect(lambda _run_id, answer: answers.append(answer))
    worker.request_gradient_check(1e-7)
    worker.cancel_gradient_check()
    worker._read_mail()  # what the worker's loop does next, on its thread
    assert len(answers) == 1 and isinstance(answers[0], CheckStopped)
    assert answers[0].reason == "cancelled"


def test_a_check_asked_for_after_a_cancel_goes_ahead(qtbot):
    worker = TrainingWorker()
    answers = []
    worker.gradient_checked.connect(lambda _run_id, answer: answers.append(answer))
    worker.cancel_gradient_check()
    worker.request_gradient_check(1e-7)
    worker._read_mail()
    assert answers == ["no network to check: the config did not start"]


def test_a_run_asked_to_go_on_from_a_state_still_does_after_a_second_word(qtbot):
    config = small_config(train={"epochs": 4})
    ended = Experiment(config).start()
    advance(ended)
    worker = TrainingWorker()
    kept = []
    worker.run_kept.connect(lambda key, state: kept.append((key, state)))
    lane = [(1, Experiment(config))]
    worker.submit(lane, frozenset({1}), starts={1: ended}, keep=frozenset({1}))
    worker.submit(lane)  # a second word before the worker read the first: its run goes on
    worker._read_mail()  # what the worker's loop does next, on its thread
    worker._keep_ended()
    assert [key for key, _ in kept] == [1]
    state = kept[0][1]
    assert state.epoch == 4 and state is not ended and state.run_id == worker.run_id(1)
