"""A self-contained HTML + PNG report of sweep results (``python -m regnet_lab analyze``).

For the populations in the given files the report shows what the paper shows for a design space
(Section 2): the error EDFs side by side (Fig. 2 style), a KS test and bootstrap intervals for each
pair of populations, and for every population the error against its main parameters with the
empirical-bootstrap "good range" (Figs. 6 and 9 style).
"""

from __future__ import annotations

import base64
import html
import io
import os
from itertools import combinations
from pathlib import Path
from typing import Iterable, Union

__all__ = ["write_report"]

PathLike = Union[str, os.PathLike]

# Parameters plotted against error when the population has them.
_PARAMETERS = ("flops", "params", "acts", "d", "w0", "wa", "wm", "g", "b", "d1", "d4", "w1", "w4")


def _png(fig, path: Path) -> str:
    """Save ``fig`` to ``path`` and return it base64-encoded for embedding."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    path.write_bytes(buf.getvalue())
    return base64.b64encode(buf.getvalue()).decode("ascii")


def write_report(files: Iterable[PathLike], out: PathLike = "report") -> Path:
    """Write ``index.html`` (images embedded, so the file stands alone) and the PNGs to ``out``.

    Returns the path of ``index.html``. Raises ValueError when a file is missing or holds no
    finished model.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .analysis import bootstrap_good_range, compare_populations
    from .plotting import plot_edfs, plot_error_vs_param, use_style
    from .sweep import load_sweep

    files = [Path(f) for f in files]
    df = load_sweep(files)
    ok = df[df["status"] == "ok"]
    if ok.empty:
        raise ValueError("no finished model (status ok) in " + ", ".join(map(str, files)))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    spaces = list(dict.fromkeys(ok["space"]))
    errors = {s: ok.loc[ok["space"] == s, "error"].to_numpy() for s in spaces}
    parts = [f"<h1>Sweep report</h1><p>{len(df)} models from {len(files)} file(s): "
             + ", ".join(html.escape(str(f)) for f in files)
             + f". Status: {html.escape(df['status'].value_counts().to_dict().__repr__())}.</p>"]
    with use_style():
        fig, ax = plt.subplots(figsize=(6, 4))
        plot_edfs(errors, ax=ax)
        parts.append(f"<h2>Error EDFs</h2><img alt='error EDFs' src='data:image/png;base64,{_png(fig, out / 'edfs.png')}'>")
        if len(spaces) > 1:
            head = "".join(f"<th>{h}</th>" for h in ("pair", "n", "KS statistic", "KS p-value",
                                                      "mean diff [95% CI]", "best-quartile diff [95% CI]"))
            rows = []
            for a, b in combinations(spaces, 2):
                c = compare_populations(errors[a], errors[b])
                cells = (f"{a} vs {b}", f"{c.n_a} / {c.n_b}", f"{c.ks_statistic:.3f}", f"{c.ks_pvalue:.3g}",
                         f"{c.mean_diff:.2f} [{c.mean_diff_ci[0]:.2f}, {c.mean_diff_ci[1]:.2f}]",
                         f"{c.best_quartile_diff:.2f} [{c.best_quartile_ci[0]:.2f}, {c.best_quartile_ci[1]:.2f}]")
                rows.append("<tr>" + "".join(f"<td>{html.escape(x)}</td>" for x in cells) + "</tr>")
            parts.append(f"<h2>Pairwise comparisons (a minus b, error %)</h2><table><tr>{head}</tr>"
                         f"{''.join(rows)}</table>")
        for s in spaces:
            sub = ok[ok["space"] == s]
            params = [p for p in _PARAMETERS if p in sub and sub[p].notna().all() and sub[p].nunique() > 1]
            if not params:
                continue
            ncols = min(3, len(params))
            nrows = -(-len(params) // ncols)
            fig, axes = plt.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.2 * nrows), squeeze=False)
            for ax, p in zip(axes.flat, params):
                values, errs = sub[p].to_numpy(dtype=float), sub["error"].to_numpy(dtype=float)
                plot_error_vs_param(values, errs, p, ax=ax, band=bootstrap_good_range(values, errs))
            for ax in list(axes.flat)[len(params):]:
                ax.set_visible(False)
            fig.suptitle(f"{s}: error vs parameters (n={len(sub)})")
            fig.tight_layout()
            name = f"params_{s}.png"
            parts.append(f"<h2>{html.escape(s)}</h2><img alt='{html.escape(s)} error vs parameters' "
                         f"src='data:image/png;base64,{_png(fig, out / name)}'>")
    index = out / "index.html"
    index.write_text("<!doctype html><html><head><meta charset='utf-8'><title>regnet_lab sweep report</title>"
                     "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}img{max-width:100%}"
                     "td,th{padding:2px 8px;border-bottom:1px solid #ddd}</style></head><body>"
                     + "".join(parts) + "</body></html>")
    return index

