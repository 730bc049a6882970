"""rl.explore: one cell that is an ipywidgets explorer live and a precomputed one in the book."""

from __future__ import annotations

import base64
import json
import re

import pytest

import regnet_lab as rl
from regnet_lab import explorer


def stages(w0=24, d=13):
    q = rl.quantize_widths(w0, 36.44, 2.49, d)
    print(f"widths {q.stage_widths}")


def drawing(w0=24, colour="C0"):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [0, w0], color=colour)
    ax.set_title(f"w0 = {w0}")
    plt.show()
    print(f"w0 is {w0}")


def payload(html: str) -> dict:
    found = re.search(r'<script type="application/json" class="rl-data">(.*?)</script>', html,
                      re.S)
    assert found, "no state data in the static HTML"
    return json.loads(found.group(1).replace("<\\/", "</"))


@pytest.fixture
def static(monkeypatch):
    monkeypatch.setenv(explorer.MODE_VARIABLE, "static")
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    return shown


def test_static_output_holds_every_state_with_the_functions_own_text(static):
    rl.explore(stages, w0=rl.slider([16, 24, 48]), d=rl.toggle([13, 22]))
    (out,) = static
    html = out.data
    data = payload(html)
    assert data["names"] == ["w0", "d"]
    assert data["start"] == [1, 0]  # the function's defaults w0=24, d=13
    assert set(data["states"]) == {f"{i},{j}" for i in range(3) for j in range(2)}
    for key, (images, text) in data["states"].items():
        i, j = map(int, key.split(","))
        w0, d = [16, 24, 48][i], [13, 22][j]
        expected = rl.quantize_widths(w0, 36.44, 2.49, d).stage_widths
        assert data["texts"][text] == f"widths {expected}\n"
        assert images == []
    # the start state is also in the markup, readable without JavaScript
    start_widths = rl.quantize_widths(24, 36.44, 2.49, 13).stage_widths
    assert f"widths {start_widths}" in html
    assert "<script>" in html and "http" not in html  # inline code, nothing from outside


def test_static_figures_are_png_images_with_their_titles_as_alt_text(static):
    rl.explore(drawing, w0=rl.slider([8, 16]), colour=rl.toggle({"blue": "C0", "red": "C3"}))
    data = payload(static[0].data)
    assert len(data["states"]) == 4
    assert len(data["blobs"]) == 4  # every state draws a different figure
    for png, alt in data["blobs"]:
        assert base64.b64decode(png)[:8] == b"\x89PNG\r\n\x1a\n"
        assert re.fullmatch(r"w0 = (8|16)", alt)
    assert data["labels"][1] == ["blue", "red"] and data["values"][1] == ["C0", "C3"]
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # nothing left open for the notebook to show again


def test_identical_outputs_are_stored_once(static):
    rl.explore(stages, w0=rl.slider([24]), d=rl.dropdown([13, 22]))
    data = payload(static[0].data)
    assert len(data["texts"]) == 2
    rl.explore(lambda w0=24, extra=1: stages(w0), w0=rl.toggle([24]), extra=rl.toggle([1, 2]))
    data = payload(static[1].data)
    assert len(data["texts"]) == 1 and len(data["states"]) == 2


def test_a_failing_state_is_reported_with_its_settings(static):
    def fragile(w0=8):
        if w0 == 16:
            raise ZeroDivisionError("no widths")
        print(w0)

    with pytest.raises(rl.ExplorerError, match=r"fragile\(w0=16\) raised ZeroDivisionError: "
                                                r"no widths"):
        rl.explore(fragile, w0=rl.slider([8, 16]))


def test_live_only_explorer_shows_its_start_state_and_a_colab_link(static):
    calls = []

    def train(epochs=1):
        calls.append(epochs)
        print(f"trained for {epochs} epochs")

    rl.explore(train, live_only=True, epochs=rl.slider([1, 2, 4]))
    html = static[0].data
    assert calls == [1]
    assert "runs in Colab or Jupyter" in html and explorer.COLAB_PLACEHOLDER in html
    assert html.count(" disabled") == 1 and "trained for 1 epochs" in html


@pytest.mark.parametrize("kwargs, error, words", [
    ({"w0": [8, 16]}, TypeError, "control 'w0' must be rl.slider"),
    ({"w0": rl.slider([8]), "width": rl.slider([1])}, ValueError, "control 'width' is not"),
    ({"d": rl.toggle([13])}, ValueError, "parameter 'w0'"),
    ({"w0": rl.slider(range(8, 400, 8)), "d": rl.slider(range(1, 41))}, ValueError,
     r"1960 states \(w0 \(49\) x d \(40\)\).*max_states=150"),
])
def test_bad_specifications_name_the_parameter(kwargs, error, words):
    def needs_w0(w0, d=13):
        pass

    with pytest.raises(error, match=words):
        rl.explore(needs_w0, **kwargs)


def test_bad_controls_raise_value_errors():
    with pytest.raises(ValueError, match="at least one option"):
        rl.slider([])
    with pytest.raises(ValueError, match=r"value 3 is not one of the options \['1', '2'\]"):
        rl.toggle([1, 2], value=3)
    with pytest.raises(ValueError, match="appear more than once"):
        rl.dropdown([1, 1.0])
    with pytest.raises(TypeError, match="list of values"):
        rl.dropdown("abc")
    with pytest.raises(ValueError, match="max_states must be a positive integer"):
        rl.explore(stages, max_states=0, w0=rl.slider([24]))


def test_the_mode_variable_is_checked(monkeypatch):
    monkeypatch.setenv(explorer.MODE_VARIABLE, "sometimes")
    with pytest.raises(ValueError, match="REGNET_LAB_EXPLORERS must be 'live' or 'static'"):
        rl.explore(stages, w0=rl.slider([24]))


def test_live_mode_builds_ipywidgets_over_the_same_values(monkeypatch):
    widgets = pytest.importorskip("ipywidgets")
    monkeypatch.delenv(explorer.MODE_VARIABLE, raising=False)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    rl.explore(stages, w0=rl.slider([16, 24, 48]), d=rl.toggle([13, 22], description="depth"))
    (view,) = shown
    assert isinstance(view, widgets.interactive)
    w0, d = view.kwargs_widgets
    assert isinstance(w0, widgets.SelectionSlider) and isinstance(d, widgets.ToggleButtons)
    assert list(w0.options) == [("16", 16), ("24", 24), ("48", 48)] and w0.value == 24
    assert d.description == "depth" and d.value == 13
    made = explorer.live_widgets({"g": rl.dropdown([1, 8], value=8)}, {"g": 1})
    assert isinstance(made["g"], widgets.Dropdown) and made["g"].value == 8
