"""The LIF neuron of the workspace kernel against its closed-form firing rate."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.workspace.neuronal.lif import lif_rate, lif_rate_simulated


def test_simulated_rate_matches_closed_form():
    """Anchor: the closed form r = 1 / (t_ref + tau ln((mu - V_reset)/(mu - V_th))).

    With ``dt = 0.01`` ms a spike time is off by at most one step, so the rate agrees
    to about dt / ISI (< 0.2 % here).
    """
    mu = np.array([22.5, 25.0, 30.0, 40.0, 60.0, 100.0])
    sim = lif_rate_simulated(mu, duration=1500.0, dt=0.01, random_state=0)
    ref = lif_rate(mu)
    np.testing.assert_allclose(sim, ref, rtol=2e-3)


def test_closed_form_hand_value_and_silence():
    """Anchor: a hand computation, 1 / (4 + 10 ln(40/8)) ms = 49.77 Hz at mu = 30 mV."""
    expected = 1000.0 / (4.0 + 10.0 * np.log(40.0 / 8.0))
    assert lif_rate(30.0) == pytest.approx(expected, rel=1e-12)
    # at or below threshold (V_inf <= -48 mV) a noiseless neuron is silent
    np.testing.assert_array_equal(lif_rate([0.0, 10.0, 22.0]), 0.0)
    assert lif_rate_simulated(np.array([21.0]), duration=500.0, random_state=0)[0] == 0


@given(
    mu=st.floats(23.0, 200.0),
    tau=st.floats(2.0, 50.0),
    t_ref=st.floats(0.0, 10.0),
)
def test_closed_form_properties(mu, tau, t_ref):
    r = lif_rate(mu, tau_m=tau, t_ref=t_ref)
    assert 0 < r
    if t_ref > 0:
        assert r < 1000.0 / t_ref  # never faster than the refractory period allows
    # more input never lowers the rate
    assert lif_rate(mu + 1.0, tau_m=tau, t_ref=t_ref) >= r


def test_noise_raises_the_rate_below_threshold():
    rates = lif_rate_simulated(
        np.array([18.0]), duration=2000.0, dt=0.05, noise=4.0, n_neurons=20,
        random_state=1,
    )  # fmt: skip
    assert rates[0] > 0.5  # fluctuation-driven firing where the closed form gives 0


def test_bad_constants_are_refused():
    with pytest.raises(ValidationError, match="tau_m must be a finite number > 0"):
        lif_rate(30.0, tau_m=-10.0)
    with pytest.raises(ValidationError, match=r"v_reset .* must be below v_threshold"):
        lif_rate(30.0, v_reset=-40.0)
    with pytest.raises(ValidationError, match=r"dt = 6.0 ms is too large .*tau_m"):
        lif_rate_simulated(np.array([30.0]), dt=6.0)
    with pytest.raises(ValidationError, match="t_ref must be a finite number >= 0"):
        lif_rate(30.0, t_ref=-1.0)
