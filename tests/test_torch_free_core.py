"""The core of regnet_lab runs without PyTorch: descriptions, counting, sampling, analysis, results.

A fresh interpreter gets an import hook that refuses ``torch`` and ``torchvision`` (as if they
were not installed), then does what a reader without torch (e.g. a browser Python) would do.
"""

import os
import subprocess
import sys
import textwrap


SCRIPT = textwrap.dedent("""
    import sys

    class NoTorch:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("torch", "torchvision"):
                raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")

    sys.meta_path.insert(0, NoTorch())

    import regnet_lab as rl

    assert rl.current_budget().name == "cpu"
    assert rl.quantize_widths(24, 36.44, 2.49, 13).stage_depths == (1, 1, 4, 7)
    assert rl.complexity("RegNetX-200MF").flops == 199040872
    v = rl.AnyNetConfig(depths=(1, 2, 2, 1, 1), widths=(16, 32, 64, 96, 128), block_type="VR")
    assert rl.summary(v, resolution=64).total == rl.complexity(v, resolution=64)
    assert rl.complexity(rl.match_complexity("resnext", 4e6), resolution=28).flops > 0
    samples = rl.design_space("AnyNetX_E").sample(5, seed=0, regime="fashion-mnist")
    assert len(samples) == 5
    frame = rl.load_reference(["AnyNetX_A", "AnyNetX_E"])
    a = frame[frame["space"] == "AnyNetX_A"]["error"]
    e = frame[frame["space"] == "AnyNetX_E"]["error"]
    comparison = rl.compare_populations(a, e, reps=200)
    assert 0 <= comparison.ks_pvalue <= 1
    try:
        rl.build("RegNetX-200MF")
    except ModuleNotFoundError as err:
        assert "torch" in str(err)
    else:
        raise AssertionError("build worked without torch")
    assert not [m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision")]
    print("torch-free core ok")
""")


def test_core_runs_without_torch(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REGNET_LAB_BUDGET"}  # the default
    # not from the checkout: `python -c` would import the regnet_lab of its working directory
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                            cwd=tmp_path, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "torch-free core ok" in result.stdout
