"""One notebook cell that is a live explorer in Jupyter/Colab and a working one in the web book.

A chapter's explorer is a function of a few settings that draws a figure and prints a few
lines (e.g. the stage widths that the quantized linear rule of Section 3.3, Eqs. 2-4, gives
for ``w0, wa, wm, d``). :func:`explore` shows it with one control per setting::

    rl.explore(show_rule,
               w0=rl.slider([16, 24, 48, 96]),
               wm=rl.slider([1.5, 2.0, 2.5, 3.0]),
               d=rl.toggle([13, 22]))

Every control is declared on an explicit list of values, so the explorer has a finite set of
states (the product of the lists' lengths, at most ``max_states``).

- **Live** (the default; Jupyter, Colab): ``ipywidgets.interactive`` over exactly those lists
  (``SelectionSlider``, ``Dropdown``, ``ToggleButtons``; ipywidgets 7 and 8).
- **Static** (when the environment variable :data:`MODE_VARIABLE` is ``"static"``, which the
  book build sets): every state is computed once, at build time, by calling the function;
  its figures are kept as PNG images and its printed text as text, and the cell shows one
  HTML output whose controls (plain HTML with a few lines of inline JavaScript, no library,
  nothing from the network) swap between the stored states. What a reader sees for a setting
  is what the same function printed and drew for it, so no rule is written a second time.

An explorer that needs Python while the reader uses it (one that trains a network on the
chosen settings) is declared with ``live_only=True``: the static page then shows its output at
the default settings and, on the controls, that it runs in Colab or Jupyter, with a link that
opens the chapter in Colab (the book build fills in the link, see ``book/_ext``).

This module does not need PyTorch; it needs ipywidgets only in live mode and matplotlib only
for figures.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import inspect
import io
import itertools
import json
import math
import os
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

__all__ = ["Control", "ExplorerError", "MAX_STATES", "MODE_VARIABLE", "COLAB_PLACEHOLDER",
           "dropdown", "explore", "explorer_mode", "slider", "toggle"]

#: Environment variable that switches explorers to static mode (value ``"static"``); the book
#: build (``book/_ext/regnet_lab_book.py`` and the Makefile's book targets) sets it.
MODE_VARIABLE = "REGNET_LAB_EXPLORERS"
#: Most states one explorer may have (product of its controls' lengths), unless raised per call.
MAX_STATES = 150
#: Text in the static HTML of a ``live_only`` explorer that the book build replaces by the
#: chapter's "open in Colab" address.
COLAB_PLACEHOLDER = "@COLAB_NOTEBOOK@"
#: Resolution of the stored figures (dots per inch) and the size of their colour palette.
IMAGE_DPI = 80
IMAGE_COLOURS = 128

_KINDS = ("slider", "dropdown", "toggle")


class ExplorerError(RuntimeError):
    """The explorer's function failed for one of its states (static mode)."""


@dataclass(frozen=True)
class Control:
    """One control of an explorer: its kind, the values it offers (with their labels) and the
    index of the value it starts at. Made by :func:`slider`, :func:`dropdown`, :func:`toggle`."""

    kind: str
    labels: tuple[str, ...]
    values: tuple[Any, ...]
    start: int | None
    description: str | None = None

    def start_index(self, default: Any = inspect.Parameter.empty) -> int:
        """The index the control starts at: the one asked for, else the function's default
        value when it is one of the options, else the first option."""
        if self.start is not None:
            return self.start
        if default is not inspect.Parameter.empty:
            for i, v in enumerate(self.values):
                if _same(v, default):
                    return i
        return 0


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    try:
        return bool(a == b)
    except Exception:  # values whose == is not a plain truth value (arrays)
        return a is b


def _label(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _make(kind: str, options: Any, value: Any, description: str | None) -> Control:
    if isinstance(options, Mapping):
        pairs = [(str(k), v) for k, v in options.items()]
    elif isinstance(options, (str, bytes)) or not isinstance(options, (Sequence, range)):
        raise TypeError(f"{kind}: options must be a list of values or a dict "
                        f"{{label: value}}, got {type(options).__name__}")
    else:
        pairs = [(_label(v), v) for v in options]
    if not pairs:
        raise ValueError(f"{kind}: give at least one option")
    labels = [p[0] for p in pairs]
    if len(set(labels)) != len(labels):
        repeated = sorted({x for x in labels if labels.count(x) > 1})
        raise ValueError(f"{kind}: the options {repeated} appear more than once; "
                         "give each value once")
    start = None
    if value is not None:
        found = [i for i, (_, v) in enumerate(pairs) if _same(v, value)]
        if not found:
            raise ValueError(f"{kind}: value {value!r} is not one of the options {labels}")
        start = found[0]
    if description is not None and not isinstance(description, str):
        raise TypeError(f"{kind}: description must be a string, got {description!r}")
    return Control(kind, tuple(labels), tuple(p[1] for p in pairs), start, description)


def slider(values: Sequence[Any] | Mapping[str, Any], value: Any = None,
           description: str | None = None) -> Control:
    """A slider over an explicit, ordered list of values (or a dict ``{label: value}``).

    Args:
        values: the values the slider stops at, in order (e.g. ``range(8, 257, 8)``).
        value: the value it starts at (default: the function's default, else the first).
        description: the label shown next to it (default: the parameter's name).

    Raises:
        TypeError: ``values`` is not a list, range or dict.
        ValueError: ``values`` is empty or repeats a value, or ``value`` is not one of them.
    """
    return _make("slider", values, value, description)


def dropdown(options: Sequence[Any] | Mapping[str, Any], value: Any = None,
             description: str | None = None) -> Control:
    """A drop-down list of options (a list of values or a dict ``{label: value}``); the
    arguments and errors are those of :func:`slider`."""
    return _make("dropdown", options, value, description)


def toggle(options: Sequence[Any] | Mapping[str, Any], value: Any = None,
           description: str | None = None) -> Control:
    """A row of buttons, one per option, exactly one pressed; the arguments and errors are
    those of :func:`slider`."""
    return _make("toggle", options, value, description)


def explorer_mode() -> str:
    """``"static"`` when :data:`MODE_VARIABLE` says so (the book build), else ``"live"``.

    Raises:
        ValueError: the variable is set to something other than ``live`` or ``static``.
    """
    mode = os.environ.get(MODE_VARIABLE, "").strip().lower() or "live"
    if mode not in ("live", "static"):
        raise ValueError(f"{MODE_VARIABLE} must be 'live' or 'static', got {mode!r}")
    return mode


def _check(function: Callable, controls: dict[str, Any], max_states: int) -> dict[str, int]:
    """Validate the explorer's specification; return each control's start index."""
    if not callable(function):
        raise TypeError(f"function must be callable, got {type(function).__name__}")
    if isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1:
        raise ValueError(f"max_states must be a positive integer, got {max_states!r}")
    if not controls:
        raise ValueError("explore needs at least one control, e.g. w0=rl.slider([8, 16, 24])")
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        parameters = {}
    for name, control in controls.items():
        if not isinstance(control, Control):
            raise TypeError(f"control {name!r} must be rl.slider(...), rl.dropdown(...) or "
                            f"rl.toggle(...), got {type(control).__name__}")
        if parameters and name not in parameters and not any(
                p.kind is p.VAR_KEYWORD for p in parameters.values()):
            raise ValueError(f"control {name!r} is not a parameter of "
                             f"{getattr(function, '__name__', 'the function')}"
                             f"({', '.join(parameters)})")
    missing = [n for n, p in parameters.items()
               if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
               and n not in controls]
    if missing:
        raise ValueError(f"parameter {missing[0]!r} of {function.__name__} has neither a "
                         "control nor a default value: give it a control")
    n_states = math.prod(len(c.values) for c in controls.values())
    if n_states > max_states:
        sizes = " x ".join(f"{n} ({len(c.values)})" for n, c in controls.items())
        raise ValueError(f"the controls give {n_states} states ({sizes}), more than "
                         f"max_states={max_states}: offer fewer values per control")
    return {name: control.start_index(
        parameters[name].default if name in parameters else inspect.Parameter.empty)
        for name, control in controls.items()}


def explore(function: Callable[..., Any], /, *, live_only: bool = False,
            max_states: int = MAX_STATES, **controls: Control) -> None:
    """Show ``function`` with one control per keyword (see the module docstring).

    Args:
        function: called with one keyword argument per control; it may draw matplotlib
            figures (``plt.show()``) and print text.
        live_only: the explorer needs Python while it is used (e.g. it trains a model); the
            static page shows the default settings' output and says that it runs in Colab or
            Jupyter.
        max_states: most states allowed (product of the controls' lengths).
        **controls: ``name=rl.slider(...)``, ``rl.dropdown(...)`` or ``rl.toggle(...)``, one
            for each parameter of ``function`` that has no default value (and any others).

    Raises:
        TypeError: ``function`` is not callable, or a control is not made by
            :func:`slider`, :func:`dropdown` or :func:`toggle`.
        ValueError: a control's name is not a parameter of ``function``, a parameter without a
            default has no control, or there are more than ``max_states`` states.
        ExplorerError: static mode only: ``function`` raised for one of the states (the
            message names the settings).
    """
    start = _check(function, controls, max_states)
    if explorer_mode() == "live":
        _show_live(function, controls, start)
    else:
        from IPython.display import HTML, display

        display(HTML(static_html(function, controls, start, live_only=live_only)))


# --- live mode ------------------------------------------------------------------------------

def live_widgets(controls: Mapping[str, Control], start: Mapping[str, int]) -> dict[str, Any]:
    """The ipywidgets controls of live mode, one per control, over the same values."""
    import ipywidgets as widgets

    made = {}
    for name, c in controls.items():
        options = list(zip(c.labels, c.values))
        common = dict(options=options, value=c.values[start[name]],
                      description=c.description or name)
        if c.kind == "slider":
            made[name] = widgets.SelectionSlider(continuous_update=False, **common)
        elif c.kind == "dropdown":
            made[name] = widgets.Dropdown(**common)
        else:
            made[name] = widgets.ToggleButtons(**common)
    return made


def _show_live(function, controls, start) -> None:
    import ipywidgets as widgets
    from IPython.display import display

    display(widgets.interactive(function, **live_widgets(controls, start)))


# --- static mode ----------------------------------------------------------------------------

def _png(fig) -> bytes:
    """The figure as a compact PNG: cropped to its tight box, as the notebook shows it, at
    :data:`IMAGE_DPI`, with a palette of :data:`IMAGE_COLOURS` colours.

    The figure is drawn once and the drawing cropped to the box around its artists (what
    ``savefig(bbox_inches="tight")`` gives, at half its cost: that draws twice); a figure
    whose text reaches beyond its canvas is saved with ``savefig`` instead."""
    from PIL import Image

    dpi = IMAGE_DPI
    fig.set_dpi(dpi)
    fig.canvas.draw()
    box = fig.get_tightbbox(fig.canvas.get_renderer())  # inches
    width, height = fig.get_size_inches()
    pad, slack = 0.1, 0.1
    if (box.x0 < -slack or box.y0 < -slack or box.x1 > width + slack
            or box.y1 > height + slack):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=pad)
        image = Image.open(buf).convert("RGB")
    else:
        w, h = fig.canvas.get_width_height()
        image = Image.frombuffer("RGBA", (w, h), fig.canvas.buffer_rgba()).convert("RGB")
        image = image.crop((max(0, int((box.x0 - pad) * dpi)),
                            max(0, int(h - (box.y1 + pad) * dpi)),
                            min(w, round((box.x1 + pad) * dpi)),
                            min(h, round(h - (box.y0 - pad) * dpi))))
    out = io.BytesIO()
    image.quantize(colors=IMAGE_COLOURS, method=Image.Quantize.MEDIANCUT).save(
        out, format="PNG", optimize=True)
    return out.getvalue()


def _alt(fig) -> str:
    """A description of a figure from its titles (the image's alt text)."""
    parts = []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        parts.append(suptitle.get_text())
    parts += [ax.get_title() for ax in fig.axes if ax.get_title()]
    return " | ".join(" ".join(p.split()) for p in parts) or "figure"


def run_state(function: Callable, kwargs: dict[str, Any]) -> tuple[list[tuple[bytes, str]], str]:
    """Call ``function(**kwargs)`` and return what it showed: its figures (PNG bytes and alt
    text, in the order drawn) and its printed text (stdout, then stderr).

    Raises:
        ExplorerError: the function raised; the message names the settings.
    """
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    figures: list[tuple[bytes, str]] = []

    def collect(*args, **kw):
        for num in plt.get_fignums():
            if num not in before:
                fig = plt.figure(num)
                figures.append((_png(fig), _alt(fig)))
                plt.close(fig)

    out, err = io.StringIO(), io.StringIO()
    original = plt.show
    plt.show = collect
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            function(**kwargs)
        collect()
    except Exception as exc:
        settings = ", ".join(f"{k}={v!r}" for k, v in kwargs.items())
        name = getattr(function, "__name__", "the explorer's function")
        raise ExplorerError(f"{name}({settings}) raised {type(exc).__name__}: {exc}") from exc
    finally:
        plt.show = original
        for num in plt.get_fignums():
            if num not in before:
                plt.close(num)
    return figures, out.getvalue() + err.getvalue()


def _json_value(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float) and math.isfinite(v):
        return v
    try:
        import numpy as np

        if isinstance(v, np.generic):
            return v.item()
    except ImportError:
        pass
    return str(v)


def _state_key(indices: Sequence[int]) -> str:
    return ",".join(map(str, indices))


_CSS = """
.rl-explorer{margin:.5em 0 1em}
.rl-explorer .rl-controls{display:flex;flex-wrap:wrap;gap:.4em 1.4em;align-items:center;
margin-bottom:.5em;font-size:.9em}
.rl-explorer .rl-control{display:flex;align-items:center;gap:.45em}
.rl-explorer .rl-name{font-weight:600}
.rl-explorer input[type=range]{width:11em}
.rl-explorer output{min-width:3.5em;font-family:monospace}
.rl-explorer .rl-toggle button{border:1px solid #999;background:#f4f4f4;color:#222;
padding:.15em .6em;margin:0;cursor:pointer;font:inherit}
.rl-explorer .rl-toggle button+button{border-left:0}
.rl-explorer .rl-toggle button[aria-pressed=true]{background:#2a6db0;color:#fff}
.rl-explorer select{font:inherit;padding:.1em .3em}
.rl-explorer img{max-width:100%;height:auto;display:block}
.rl-explorer pre.rl-text{margin:.4em 0 0;font-size:.85em;white-space:pre;overflow-x:auto;
background:none;border:0;padding:0}
.rl-explorer pre.rl-text:empty{display:none}
.rl-explorer .rl-live-only{font-size:.9em;font-style:italic}
.rl-explorer [disabled]{cursor:not-allowed;opacity:.6}
"""

# The controls' behaviour in the page: find the stored state for the chosen settings and show
# its images and text. Written once here and inlined in each explorer (a few hundred bytes).
_JS = """
(function (root) {
  var data = JSON.parse(root.querySelector("script.rl-data").textContent);
  var controls = root.querySelectorAll(".rl-control");
  var index = data.start.slice();
  var figures = root.querySelector(".rl-figures");
  var text = root.querySelector("pre.rl-text");
  function show() {
    var state = data.states[index.join(",")];
    var values = {};
    data.names.forEach(function (name, k) { values[name] = data.values[k][index[k]]; });
    root.setAttribute("data-values", JSON.stringify(values));
    if (!state) { return; }
    figures.textContent = "";
    state[0].forEach(function (b) {
      var img = document.createElement("img");
      img.src = "data:image/png;base64," + data.blobs[b][0];
      img.alt = data.blobs[b][1];
      figures.appendChild(img);
    });
    text.textContent = data.texts[state[1]];
  }
  function choose(k, i) {
    var el = controls[k];
    index[k] = i;
    var range = el.querySelector("input[type=range]");
    if (range) {
      range.value = i;
      range.setAttribute("aria-valuetext", data.labels[k][i]);
      el.querySelector("output").textContent = data.labels[k][i];
    }
    el.querySelectorAll("button").forEach(function (b, j) {
      b.setAttribute("aria-pressed", j === i ? "true" : "false");
    });
    var select = el.querySelector("select");
    if (select) { select.value = i; }
    show();
  }
  controls.forEach(function (el, k) {
    var range = el.querySelector("input[type=range]");
    if (range) { range.addEventListener("input", function () { choose(k, +range.value); }); }
    var select = el.querySelector("select");
    if (select) { select.addEventListener("change", function () { choose(k, +select.value); }); }
    el.querySelectorAll("button").forEach(function (b, j) {
      b.addEventListener("click", function () { choose(k, j); });
    });
  });
  show();
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
})(document.currentScript.parentElement);
"""


def _control_html(k: int, name: str, c: Control, i: int, uid: str, disabled: bool) -> str:
    e = html.escape
    label = e(c.description or name)
    off = " disabled" if disabled else ""
    tip = ' title="runs in Colab or Jupyter"' if disabled else ""
    cid = f"{uid}-{k}"
    if c.kind == "slider":
        body = (f'<label class="rl-name" for="{cid}">{label}</label>'
                f'<input type="range" id="{cid}" min="0" max="{len(c.values) - 1}" step="1" '
                f'value="{i}" aria-valuetext="{e(c.labels[i])}"{off}{tip}>'
                f'<output for="{cid}">{e(c.labels[i])}</output>')
    elif c.kind == "dropdown":
        options = "".join(f'<option value="{j}"{" selected" if j == i else ""}>{e(t)}</option>'
                          for j, t in enumerate(c.labels))
        body = (f'<label class="rl-name" for="{cid}">{label}</label>'
                f'<select id="{cid}"{off}{tip}>{options}</select>')
    else:
        buttons = "".join(f'<button type="button" aria-pressed="{str(j == i).lower()}"'
                          f'{off}{tip}>{e(t)}</button>' for j, t in enumerate(c.labels))
        body = (f'<span class="rl-name" id="{cid}">{label}</span>'
                f'<span class="rl-toggle" role="group" aria-labelledby="{cid}">{buttons}</span>')
    return (f'<div class="rl-control" data-name="{e(name)}" data-kind="{c.kind}">'
            f"{body}</div>")


def static_html(function: Callable, controls: Mapping[str, Control], start: Mapping[str, int],
                live_only: bool = False) -> str:
    """The static explorer: every state computed now, controls that swap between them.

    Returns one self-contained HTML fragment (inline CSS and JavaScript, images as data URIs).
    With ``live_only``, only the start state is computed and the controls are disabled, with a
    note and a link to Colab (:data:`COLAB_PLACEHOLDER`).

    Raises:
        ExplorerError: ``function`` raised for one of the states.
    """
    names = list(controls)
    first = [start[n] for n in names]
    grids = [[first[k]] if live_only else range(len(controls[n].values))
             for k, n in enumerate(names)]
    blobs: list[list[str]] = []
    blob_index: dict[str, int] = {}
    texts: list[str] = []
    text_index: dict[str, int] = {}
    states: dict[str, list] = {}
    for indices in itertools.product(*grids):
        kwargs = {n: controls[n].values[i] for n, i in zip(names, indices)}
        figures, text = run_state(function, kwargs)
        refs = []
        for png, alt in figures:
            key = hashlib.sha1(png).hexdigest() + alt
            if key not in blob_index:
                blob_index[key] = len(blobs)
                blobs.append([base64.b64encode(png).decode("ascii"), alt])
            refs.append(blob_index[key])
        if text not in text_index:
            text_index[text] = len(texts)
            texts.append(text)
        states[_state_key(indices)] = [refs, text_index[text]]

    data = {"names": names, "start": first, "states": states, "blobs": blobs, "texts": texts,
            "labels": [list(controls[n].labels) for n in names],
            "values": [[_json_value(v) for v in controls[n].values] for n in names]}
    payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    uid = "rl-" + hashlib.sha1(payload.encode()).hexdigest()[:10]
    e = html.escape
    state = states[_state_key(first)]
    images = "".join(f'<img src="data:image/png;base64,{blobs[b][0]}" alt="{e(blobs[b][1])}">'
                     for b in state[0])
    controls_html = "".join(_control_html(k, n, controls[n], first[k], uid, live_only)
                            for k, n in enumerate(names))
    if live_only:
        controls_html += ('<span class="rl-live-only">These controls run in Colab or Jupyter: '
                          f'<a href="{COLAB_PLACEHOLDER}" target="_blank" rel="noopener">'
                          "open this chapter in Colab</a> to use them.</span>")
    name = e(getattr(function, "__name__", "explorer"))
    values = e(json.dumps({n: data["values"][k][first[k]] for k, n in enumerate(names)}))
    return (f'<div class="rl-explorer" id="{uid}" data-explorer="{name}" '
            f'data-live-only="{str(live_only).lower()}" data-values="{values}">'
            f"<style>{_CSS}</style>"
            f'<form class="rl-controls" onsubmit="return false">{controls_html}</form>'
            f'<div class="rl-output" aria-live="polite"><div class="rl-figures">{images}</div>'
            f'<pre class="rl-text">{e(texts[state[1]])}</pre></div>'
            f'<script type="application/json" class="rl-data">{payload}</script>'
            + ("" if live_only else f"<script>{_JS}</script>")
            + "</div>")
