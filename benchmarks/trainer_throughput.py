"""Training throughput of regnet_lab's trainer against a conventional loop and the compute bound.

One fixed small AnyNetX is trained for the same number of SGD steps (same batch size, threads,
optimizer) in several ways, interleaved over rounds so that a busy machine slows all alike:

* ``trainer``: :func:`regnet_lab.train` itself (data set in memory as uint8 tensors, random
  crops gathered for a whole batch at once, channels_last); its ``images_per_second`` counts
  augmentation, forward, backward and update, not evaluation or set-up.
* ``dataloader``: the conventional recipe of the PyTorch tutorials:
  ``torchvision.datasets.FashionMNIST`` with ``transforms.Compose([RandomCrop(28, padding=2),
  ToTensor(), Normalize(...)])``, a ``torch.utils.data.DataLoader`` (shuffle, same batch size)
  and the model in PyTorch's default memory format; measured with ``num_workers`` 0 and 2, the
  faster one is the reference.
* ``dataloader_cl``: the same DataLoader loop with the model and batches in channels_last, to
  separate the two things the trainer does differently (data pipeline, memory format).
* ``compute``: the compute-only bound: the same steps on one pre-made, normalised batch
  (channels_last, like the trainer).

Every measurement starts from a freshly built model and times the same number of steps from the
first one (cold start included alike; the DataLoader's worker start-up is left out, in its
favour); the script prints the median over rounds. The last line is exactly::

    vs_compute_bound=X.XX vs_dataloader=Y.YY

(trainer / compute bound, trainer / best conventional DataLoader loop). Targets on the 2-core
CPU machine: >= 0.85 and >= 3. See ``benchmarks/README.md`` for measured numbers.

Usage::

    python benchmarks/trainer_throughput.py [--threads 1] [--steps 60] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gzip
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import regnet_lab as rl  # noqa: E402
from regnet_lab.budget import BUDGETS  # noqa: E402
from regnet_lab.data import dataset_info, load_dataset, locate_dataset  # noqa: E402
from regnet_lab.training import train  # noqa: E402

#: The fixed model: a small AnyNetX (X blocks, stride-1 stem of 16 channels), 1.7 MF at
#: 28x28, in the cheap end of the reference sweep's models so that the data pipeline matters.
MODEL = rl.AnyNetConfig(depths=(1, 1, 2, 1), widths=(16, 32, 64, 128),
                        bottleneck_ratios=(1, 1, 1, 1), group_widths=(8, 8, 8, 8),
                        stem_width=16)
BATCH = 128


def make_model(channels_last: bool = True):
    info = dataset_info("fashion-mnist")
    model = rl.build(MODEL, in_channels=info.channels, num_classes=info.num_classes,
                     stem_stride=1)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    return model.train()


def optimizer_for(model):
    b = BUDGETS["cpu"]
    return torch.optim.SGD(model.parameters(), lr=0.01, momentum=b.momentum, nesterov=True,
                           weight_decay=b.weight_decay)


def sgd_step(model, opt, x, y):
    loss = F.cross_entropy(model(x), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def run_trainer(steps: int) -> float:
    budget = BUDGETS["cpu"].replace(epochs=1, train_subset=BATCH * steps, test_subset=100,
                                    batch_size=BATCH, warmup_epochs=0.0, eval_every=1)
    return train(MODEL, "fashion-mnist", budget=budget, seed=0, device="cpu").images_per_second


def run_compute(steps: int) -> float:
    torch.manual_seed(0)
    model, info = make_model(), dataset_info("fashion-mnist")
    opt = optimizer_for(model)
    x = torch.randn(BATCH, *info.shape).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, info.num_classes, (BATCH,))
    t = time.perf_counter()
    for _ in range(steps):
        sgd_step(model, opt, x, y)
    return steps * BATCH / (time.perf_counter() - t)


def torchvision_root() -> Path:
    """A temporary torchvision layout (FashionMNIST/raw, unpacked) made from local files."""
    load_dataset("fashion-mnist", "train")  # raises with instructions if absent
    files = [f for split in ("train", "test") for f in locate_dataset("fashion-mnist", split)]
    root = Path(tempfile.mkdtemp(prefix="regnet_lab_bench_"))
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for f in files:
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rb") as src, open(raw / f.name.removesuffix(".gz"), "wb") as dst:
            shutil.copyfileobj(src, dst)
    return root


def run_dataloader(steps: int, root: Path, workers: int, channels_last: bool = False) -> float:
    from torchvision import datasets, transforms

    info = dataset_info("fashion-mnist")
    tf = transforms.Compose([transforms.RandomCrop(28, padding=info.crop_padding),
                             transforms.ToTensor(), transforms.Normalize(info.mean, info.std)])
    ds = datasets.FashionMNIST(str(root), train=True, download=False, transform=tf)
    loader = torch.utils.data.DataLoader(ds, batch_size=BATCH, shuffle=True, drop_last=True,
                                         num_workers=workers)
    torch.manual_seed(0)
    model = make_model(channels_last)
    opt = optimizer_for(model)
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    it = iter(loader)  # worker start-up is not timed (in the DataLoader's favour)
    t = time.perf_counter()
    for _ in range(steps):
        x, y = next(it)
        sgd_step(model, opt, x.contiguous(memory_format=fmt), y)
    ips = steps * BATCH / (time.perf_counter() - t)
    del it
    return ips


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1, as a sweep worker)")
    p.add_argument("--steps", type=int, default=60, help="timed SGD steps per measurement")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (median reported)")
    args = p.parse_args(argv)
    if args.threads < 1 or args.steps < 1 or args.rounds < 1:
        p.error("--threads, --steps and --rounds must be positive")
    torch.set_num_threads(args.threads)
    load_dataset("fashion-mnist", "train")
    load_dataset("fashion-mnist", "test")
    flops = rl.complexity(MODEL, resolution=28, in_channels=1, num_classes=10, stem_stride=1)
    print(f"# torch {torch.__version__}, {platform.machine()}, threads={args.threads}, "
          f"batch={BATCH}, steps={args.steps}, rounds={args.rounds}")
    print(f"# model: AnyNetX depths={MODEL.depths} widths={MODEL.widths} "
          f"g={MODEL.group_widths} stem 16/stride 1, {flops.mflops:.2f} MF at 28x28")
    root = torchvision_root()
    results: dict[str, list[float]] = {"trainer": [], "compute": [], "dataloader_w0": [],
                                       "dataloader_w2": [], "dataloader_cl_w0": []}
    try:
        for r in range(args.rounds):
            results["trainer"].append(run_trainer(args.steps))
            results["dataloader_w0"].append(run_dataloader(args.steps, root, 0))
            results["compute"].append(run_compute(args.steps))
            results["dataloader_w2"].append(run_dataloader(args.steps, root, 2))
            results["dataloader_cl_w0"].append(run_dataloader(args.steps, root, 0, True))
            print(f"round {r + 1}: " + ", ".join(f"{k}={v[-1]:.0f}" for k, v in results.items())
                  + " images/s", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    med = {k: statistics.median(v) for k, v in results.items()}
    best_loader = max(med["dataloader_w0"], med["dataloader_w2"])
    for k, v in med.items():
        print(f"{k:>16}: {v:8.0f} images/s (median of {len(results[k])})")
    print(f"vs_dataloader_channels_last={med['trainer'] / med['dataloader_cl_w0']:.2f}")
    print(f"vs_compute_bound={med['trainer'] / med['compute']:.2f} "
          f"vs_dataloader={med['trainer'] / best_loader:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
