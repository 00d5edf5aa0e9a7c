"""Answer checks of the teaching labs."""

import numpy as np
import pytest
import torch

from cogattn.labs import LabCheckError, check_close, check_true


def test_right_answers_print_a_confirmation(capsys):
    check_close("alpha", 0.1 + 0.2, 0.3)
    check_close("weights", torch.ones(3), np.ones(3))
    check_true("slope", 2 > 1, "the hard slope is larger")
    assert capsys.readouterr().out.count("Correct") == 3


@pytest.mark.parametrize("func", ["close", "true"])
def test_unfilled_blank_says_so(func):
    with pytest.raises(LabCheckError, match=r"still `\.\.\.`"):
        if func == "close":
            check_close("alpha", ..., 1.0)
        else:
            check_true("alpha", ..., "anything")


def test_wrong_answers_say_what_was_expected():
    with pytest.raises(LabCheckError, match=r"expected 0\.3 .*difference 0\.7"):
        check_close("alpha", 1.0, 0.3)
    with pytest.raises(LabCheckError, match=r"shape \(3,\), got \(2,\)"):
        check_close("w", np.ones(2), np.ones(3))
    with pytest.raises(LabCheckError, match="Hint: use the mean"):
        check_close("w", np.zeros(3), np.ones(3), hint="use the mean")
    with pytest.raises(LabCheckError, match="should be a number"):
        check_close("w", "abc", 1.0)
    with pytest.raises(LabCheckError, match="the hard slope is larger"):
        check_true("slope", False, "the hard slope is larger")


def test_lab_check_error_is_an_assertion_error():
    assert issubclass(LabCheckError, AssertionError)


def test_a_blanked_function_body_says_so():
    with pytest.raises(LabCheckError, match="returned None; fill in the function body"):
        check_close("slope", None, 1.0)
    with pytest.raises(LabCheckError, match="returned None"):
        check_true("slope", None, "anything")
