"""The worker's mailbox: every gradient check asked for is answered once, also one
withdrawn before the worker began it (the Gradient check page counts on one answer per
check to know which is the current one)."""

from deepdials.app.frames import CheckStopped
from deepdials.app.worker import TrainingWorker


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
