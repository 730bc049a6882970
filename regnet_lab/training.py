"""Train one network on Fashion-MNIST or CIFAR-10 for a budget, fast enough for populations.

The paper compares design spaces by training *many* sampled models with one fixed, short recipe
(the "low-compute, low-epoch regime" of Section 3.1: about 400MF models, 10 epochs on ImageNet)
and comparing the distributions of their errors (Section 2). :func:`train` is such a recipe,
scaled to small images; the budget (:mod:`regnet_lab.budget`) fixes its size:

* **Optimiser**: SGD with momentum 0.9 (Nesterov) and weight decay on all weights, the
  defaults of the paper's code (pycls).
* **Schedule**: a half-period cosine decay ``lr * (1 + cos(pi * t / T)) / 2`` over all ``T``
  steps (the paper's schedule), multiplied during the first ``warmup_epochs`` by a factor that
  rises linearly from ``warmup_factor`` to 1 (the gradual warm-up of Goyal et al., 2017, in
  pycls's multiplicative form). It is evaluated per step, so even a one-epoch run decays
  smoothly to zero. The learning rate and weight decay themselves were chosen by pilot runs
  for the small-image budgets (see ``benchmarks/README.md``), not taken from the paper's
  ImageNet settings.
* **Data**: the whole (sub)set lives as a ``uint8`` tensor in memory, on the GPU when there is
  one. Each batch is made with a handful of tensor operations: gather random ``H x W`` windows
  out of a zero-padded copy (random crop), mirror where :func:`~regnet_lab.data.dataset_info`
  says flips make sense (CIFAR-10, not Fashion-MNIST: its shoes all point one way and its
  test set is never mirrored), convert to float and normalise with the training-set mean/std.
  There is no per-image Python or PIL work, and no DataLoader
  (``benchmarks/trainer_throughput.py`` measures what that buys).
* **Speed**: ``channels_last`` memory format; on CUDA, automatic mixed precision (bf16 where
  supported, else fp16 with a gradient scaler) and cuDNN autotuning.
* **Reproducibility**: the weights are initialised after ``torch.manual_seed(seed)``; the data
  order and the augmentation draw from their own ``torch.Generator`` seeded from ``seed``.
  On a CPU with a fixed number of threads two runs with the same seed give identical curves
  and errors. The train/test subsets are fixed (class-balanced, independent of ``seed``), so
  every model of a sweep sees the same images.
* **Robustness**: a non-finite loss (or one above 1000 times the chance-level loss ``ln C``)
  stops the run with ``status="diverged"`` (its error is then the chance level); any other
  exception during training gives ``status="failed"`` with the reason in ``message``. Neither
  raises, so a sweep can record them and go on.

Example:
    >>> import regnet_lab as rl
    >>> result = rl.train("RegNetX-200MF", budget="ci", seed=0)   # doctest: +SKIP
    >>> result.status, result.settings["steps"]                    # doctest: +SKIP
    ('ok', 32)
"""

from __future__ import annotations

import contextlib
import math
import time
import traceback
from dataclasses import asdict, dataclass
from numbers import Integral
from typing import Any, Optional, Union

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from . import validation as check
from .budget import Budget, current_budget
from .data import _check_resolution, dataset_info, load_dataset, canonical_dataset_name, resize_images

__all__ = [
    "TrainResult",
    "train",
    "lr_at",
    "balanced_subset",
    "GPUBatches",
    "augment_batch",
    "evaluate",
]

#: Seed of the fixed train/test subsets (independent of the training seed).
SUBSET_SEED = 20200330
#: Number of points the per-step curves are averaged down to (about).
CURVE_POINTS = 100


@dataclass
class TrainResult:
    """What :func:`train` returns.

    Attributes:
        error: final top-1 test error in percent (after the last epoch; chance level if the
            run diverged).
        best_error: lowest test error over the epochs, in percent.
        curves: ``step``, ``loss`` (mean training loss over the steps since the previous
            point), ``lr`` (learning rate at that step): about 100 points per run; ``epoch``,
            ``test_error`` (``None`` for epochs skipped by the budget's ``eval_every``),
            ``train_loss`` (mean over the epoch): one point per epoch.
        seconds: wall time of the whole call (data, training, evaluation).
        status: ``"ok"``, ``"diverged"`` (non-finite loss) or ``"failed"`` (an exception).
        settings: the recipe actually used (budget fields, subsets, augmentation, precision,
            threads, versions), ready for JSON.
        images_per_second: training throughput (augmentation + forward + backward + update).
        device: the device it ran on, e.g. ``"cpu"`` or ``"cuda:0"``.
        message: why a run diverged or failed (empty when ok).
    """

    error: float
    best_error: float
    curves: dict[str, list]
    seconds: float
    status: str
    settings: dict[str, Any]
    images_per_second: float
    device: str
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Pieces (public so chapters and benchmarks can show and reuse them)


def lr_at(step: int, total_steps: int, lr: float, warmup_steps: int,
          warmup_factor: float = 0.1) -> float:
    """Learning rate before optimizer step ``step`` (0-based) of ``total_steps``.

    Half-period cosine from ``lr`` towards 0, multiplied during the first ``warmup_steps`` by a
    factor rising linearly from ``warmup_factor`` to 1.

    >>> lr_at(0, 100, 0.1, 10) == 0.1 * 0.1
    True
    >>> round(lr_at(50, 100, 0.1, 10), 4)
    0.05
    """
    cosine = 0.5 * (1.0 + math.cos(math.pi * step / total_steps))
    if step < warmup_steps:
        alpha = step / warmup_steps
        cosine *= warmup_factor * (1.0 - alpha) + alpha
    return lr * cosine


def balanced_subset(labels: Tensor, n: Optional[int], seed: int = SUBSET_SEED) -> Tensor:
    """Indices of a fixed, class-balanced random subset of ``n`` examples (all when ``None``).

    Classes are interleaved: the result holds ``n // classes`` (or one more) of each class, in
    a random order fixed by ``seed``.
    """
    total = labels.shape[0]
    if n is None or n >= total:
        return torch.arange(total)
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(total, generator=g)
    lab = labels[perm]
    # rank of each example among those of its class, in permutation order
    onehot = F.one_hot(lab, int(labels.max()) + 1)
    rank = (onehot.cumsum(0) * onehot).sum(1) - 1
    order = torch.argsort(rank * total + torch.arange(total))
    return perm[order[:n]]


def augment_batch(padded: Tensor, index: Tensor, height: int, width: int,
                  generator: torch.Generator, flip: bool) -> Tensor:
    """Random ``height x width`` crops (and mirror images) of ``padded[index]``, vectorised.

    ``padded`` is the whole data set, already zero-padded on every side (``N x C x H' x W'``).
    For each image of the batch a random window offset (and a coin flip) is drawn from
    ``generator`` on the CPU, so the result does not depend on the device; the windows are
    then gathered with one advanced-indexing operation on the data's device.
    """
    b = index.shape[0]
    c, hp, wp = padded.shape[1:]
    oy = torch.randint(0, hp - height + 1, (b,), generator=generator)
    ox = torch.randint(0, wp - width + 1, (b,), generator=generator)
    rows = oy[:, None] + torch.arange(height)
    cols = torch.arange(width).expand(b, width)
    if flip:
        mirrored = torch.rand(b, generator=generator) < 0.5
        cols = torch.where(mirrored[:, None], width - 1 - cols, cols)
    cols = ox[:, None] + cols
    dev = padded.device
    rows, cols = rows.to(dev, non_blocking=True), cols.to(dev, non_blocking=True)
    # gather the rows of each window, then its columns
    batch = padded[index]                                                   # B x C x H' x W'
    batch = batch.gather(2, rows[:, None, :, None].expand(b, c, height, wp))  # B x C x H x W'
    batch = batch.gather(3, cols[:, None, None, :].expand(b, c, height, width))
    return batch


class GPUBatches:
    """The data set as tensors on one device, with batch-level augmentation.

    Args:
        images: ``uint8`` ``N x C x H x W``; labels: ``int64`` ``N``.
        mean, std: per-channel statistics on the 0-1 scale.
        device: where the tensors live (the GPU when training there).
        padding: zero padding for random crops (0 disables crops).
        flip: random horizontal mirroring.
        channels_last: return batches in ``channels_last`` memory format.
    """

    def __init__(self, images: Tensor, labels: Tensor, mean, std, device: torch.device,
                 padding: int = 0, flip: bool = False, channels_last: bool = True) -> None:
        self.height, self.width = images.shape[2:]
        self.padding, self.flip = padding, flip
        self.channels_last = channels_last
        self.images = images.to(device)
        self.padded = F.pad(self.images, (padding,) * 4) if padding else self.images
        self.labels = labels.to(device)
        c = images.shape[1]
        mean_t = torch.tensor(mean, dtype=torch.float32, device=device).view(1, c, 1, 1)
        std_t = torch.tensor(std, dtype=torch.float32, device=device).view(1, c, 1, 1)
        # x / 255 - mean) / std  ==  x * scale - shift
        self.scale = 1.0 / (255.0 * std_t)
        self.shift = mean_t / std_t
        self.device = device

    def __len__(self) -> int:
        return self.images.shape[0]

    def _finish(self, x: Tensor) -> Tensor:
        x = torch.addcmul(-self.shift, x.float(), self.scale)
        if self.channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        return x

    def train_batch(self, index: Tensor, generator: torch.Generator,
                    augment: bool = True) -> tuple[Tensor, Tensor]:
        """Augmented, normalised images and labels for the examples in ``index`` (CPU tensor)."""
        dev_index = index.to(self.device, non_blocking=True)
        if augment and (self.padding or self.flip):
            x = augment_batch(self.padded, dev_index, self.height, self.width, generator, self.flip)
        else:
            x = self.images[dev_index]
        return self._finish(x), self.labels[dev_index]

    def eval_batches(self, batch_size: int):
        """Plain (unaugmented) normalised batches in order."""
        for start in range(0, len(self), batch_size):
            yield (self._finish(self.images[start:start + batch_size]),
                   self.labels[start:start + batch_size])


def _amp_context(device: torch.device, dtype: Optional[torch.dtype]):
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


@torch.no_grad()
def evaluate(model: nn.Module, data: GPUBatches, batch_size: int = 500,
             amp_dtype: Optional[torch.dtype] = None) -> float:
    """Top-1 error (%) of ``model`` on ``data``, in eval mode, without gradients."""
    was_training = model.training
    model.eval()
    wrong = torch.zeros((), dtype=torch.int64, device=data.device)
    for x, y in data.eval_batches(batch_size):
        with _amp_context(data.device, amp_dtype):
            logits = model(x)
        wrong += (logits.argmax(1) != y).sum()
    model.train(was_training)
    return 100.0 * wrong.item() / max(len(data), 1)


# ---------------------------------------------------------------------------------------------
# Argument checks


def _resolve_device(device) -> torch.device:
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(f"device must be None, 'cpu', 'cuda', 'cuda:N' or a torch.device, "
                         f"got {device!r}") from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} asked for, but CUDA is not available here")
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device("cuda", torch.cuda.current_device())
    return dev


def _resolve_budget(budget) -> Budget:
    if budget is None or isinstance(budget, str):
        return current_budget(budget)
    if isinstance(budget, Budget):
        return budget
    raise ValueError(f"budget must be None, a budget name ('ci', 'cpu', 'gpu') or a Budget, "
                     f"got {type(budget).__name__}")


def _build_model(description, info) -> nn.Module:
    if isinstance(description, nn.Module):
        return description
    from .network import build  # the core package; imported late to keep this module light

    return build(description, in_channels=info.channels, num_classes=info.num_classes,
                 stem_stride=1)


def _describe(description) -> Any:
    if isinstance(description, nn.Module):
        return type(description).__name__
    if isinstance(description, str):
        return description
    to_dict = getattr(description, "to_dict", None)
    return to_dict() if callable(to_dict) else repr(description)


# ---------------------------------------------------------------------------------------------
# The trainer


def train(description, dataset: str = "fashion-mnist", budget: Union[Budget, str, None] = None,
          seed: int = 0, device=None, progress: bool = False,
          threads: Optional[int] = None, resolution: Optional[int] = None) -> TrainResult:
    """Train one network with the book's recipe and return its test error and curves.

    Args:
        description: an :class:`~regnet_lab.AnyNetConfig`, a :class:`~regnet_lab.RegNetConfig`,
            a zoo name (``"RegNetX-200MF"``) or an ``nn.Module``. Descriptions are built with
            :func:`regnet_lab.build` for the data set (its channels and classes, stride-1
            stem); a module is trained as given (in place).
        dataset: ``"fashion-mnist"`` or ``"cifar-10"``.
        budget: a :class:`~regnet_lab.budget.Budget`, a budget name, or ``None`` for
            :func:`~regnet_lab.budget.current_budget`.
        seed: initialisation, data order and augmentation seed (integer >= 0).
        device: ``None`` (CUDA when available, else CPU), ``"cpu"``, ``"cuda"``...
        progress: show a progress bar (tqdm.auto, works in notebooks).
        threads: call ``torch.set_num_threads(threads)`` for the run (and restore the previous
            value afterwards); ``None`` leaves torch's setting alone.
        resolution: train and test on the images resized to this side (8 to 224 px, with
            :func:`~regnet_lab.data.resize_images`), for the resolution test of Fig. 14
            (Section 4); the crop padding is scaled with the side (2 px at 28 px becomes 1 px
            at 20 px and 3 px at 36 px: the same shifts relative to the image, this library's
            choice). ``None`` keeps the data set's own side.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ValueError: unknown data set or budget, bad seed, device or threads, or a description
            that cannot be built.
    """
    t_start = time.perf_counter()
    name = canonical_dataset_name(dataset)
    info = dataset_info(name)
    bud = _resolve_budget(budget)
    if not isinstance(seed, Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an integer >= 0, got {seed!r}")
    seed = int(seed)
    check.flag(progress, "progress")
    if threads is not None and (not isinstance(threads, Integral) or isinstance(threads, bool)
                                or threads < 1):
        raise ValueError(f"threads must be a positive integer or None, got {threads!r}")
    dev = _resolve_device(device)
    side = info.resolution if resolution is None else _check_resolution(resolution)

    old_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(int(threads))
    try:
        return _train(description, name, info, bud, seed, dev, progress, t_start, side)
    finally:
        if threads is not None:
            torch.set_num_threads(old_threads)


def _train(description, name, info, bud: Budget, seed: int, dev: torch.device, progress: bool,
           t_start: float, side: int) -> TrainResult:
    # ---- model (seeded initialisation) ----
    torch.manual_seed(seed)
    model = _build_model(description, info)
    cuda = dev.type == "cuda"
    if cuda:
        torch.backends.cudnn.benchmark = True
        # bf16 only where the hardware has it (Ampere and newer); older GPUs such as Colab's
        # T4 would emulate it slowly, so they get fp16 with a gradient scaler.
        major, _ = torch.cuda.get_device_capability(dev)
        amp_dtype = torch.bfloat16 if major >= 8 else torch.float16
    else:
        amp_dtype = None
    model = model.to(dev, memory_format=torch.channels_last)

    # ---- data (fixed subsets, in memory on the device) ----
    x_train, y_train = load_dataset(name, "train")
    x_test, y_test = load_dataset(name, "test")
    tr_idx = balanced_subset(y_train, bud.train_subset)
    te_idx = balanced_subset(y_test, bud.test_subset)
    padding = round(info.crop_padding * side / info.resolution) if bud.augment else 0
    flip = info.hflip and bud.augment
    # another input side (Fig. 14): resize only the subsets used. The data set's normalisation
    # is kept: on the cpu budget's 10,000 training images the mean stays 0.286-0.287 and the std
    # falls from 0.354 (28 px) to 0.331 (20 px) and 0.340 (36 px), smoothed by the resizing.
    x_tr, x_te = resize_images(x_train[tr_idx], side), resize_images(x_test[te_idx], side)
    train_data = GPUBatches(x_tr, y_train[tr_idx], info.mean, info.std, dev,
                            padding=padding, flip=flip)
    test_data = GPUBatches(x_te, y_test[te_idx], info.mean, info.std, dev)
    n = len(train_data)
    batch_size = min(bud.batch_size, n)
    steps_per_epoch = max(1, n // batch_size)  # the last partial batch of an epoch is dropped
    total_steps = steps_per_epoch * bud.epochs
    warmup_steps = int(round(bud.warmup_epochs * steps_per_epoch))
    log_every = max(1, math.ceil(total_steps / CURVE_POINTS))
    # A loss this far above chance level (ln C) never comes back: call it diverged too.
    explode = 1000.0 * math.log(info.num_classes)

    # ---- optimiser ----
    optimizer = torch.optim.SGD(model.parameters(), lr=bud.lr, momentum=bud.momentum,
                                nesterov=bud.nesterov, weight_decay=bud.weight_decay)
    scaler = torch.amp.GradScaler("cuda") if amp_dtype == torch.float16 else None
    gen = torch.Generator().manual_seed(seed)

    settings: dict[str, Any] = {
        "description": _describe(description),
        "dataset": name,
        "budget": bud.name,
        "epochs": bud.epochs,
        "train_images": n,
        "test_images": len(test_data),
        "batch_size": batch_size,
        "steps": total_steps,
        "lr": bud.lr,
        "schedule": "linear warm-up x half-period cosine, per step",
        "warmup_epochs": bud.warmup_epochs,
        "warmup_steps": warmup_steps,
        "warmup_factor": bud.warmup_factor,
        "optimizer": "SGD",
        "momentum": bud.momentum,
        "nesterov": bud.nesterov,
        "weight_decay": bud.weight_decay,
        "label_smoothing": bud.label_smoothing,
        "resolution": side,
        "crop_padding": padding,
        "hflip": flip,
        "normalize_mean": list(info.mean),
        "normalize_std": list(info.std),
        "amp": str(amp_dtype).replace("torch.", "") if amp_dtype is not None else None,
        "channels_last": True,
        "seed": seed,
        "subset_seed": SUBSET_SEED,
        "threads": torch.get_num_threads(),
        "device": str(dev),
        "torch": torch.__version__,
    }
    curves: dict[str, list] = {"step": [], "loss": [], "lr": [],
                               "epoch": [], "test_error": [], "train_loss": []}
    status, message = "ok", ""
    errors: list[float] = []
    train_seconds = 0.0
    images_seen = 0

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=total_steps, desc=f"train {name}", unit="step", leave=True)

    model.train()
    step = 0
    try:
        for epoch in range(bud.epochs):
            t_epoch = time.perf_counter()
            order = torch.randperm(n, generator=gen)
            window: list[Tensor] = []  # losses since the last curve point (on the device)
            epoch_loss = torch.zeros((), device=dev)
            for i in range(steps_per_epoch):
                lr = lr_at(step, total_steps, bud.lr, warmup_steps, bud.warmup_factor)
                for group in optimizer.param_groups:
                    group["lr"] = lr
                index = order[i * batch_size:(i + 1) * batch_size]
                x, y = train_data.train_batch(index, gen, augment=bud.augment)
                with _amp_context(dev, amp_dtype):
                    loss = F.cross_entropy(model(x), y, label_smoothing=bud.label_smoothing)
                optimizer.zero_grad(set_to_none=True)
                if scaler is not None:
                    scaler.scale(loss).backward()
                    scaler.step(optimizer)
                    scaler.update()
                else:
                    loss.backward()
                    optimizer.step()
                loss = loss.detach().float()
                window.append(loss)
                epoch_loss += loss
                step += 1
                images_seen += batch_size
                if step % log_every == 0 or i == steps_per_epoch - 1:
                    mean_loss = torch.stack(window).mean().item()  # one sync per curve point
                    window = []
                    curves["step"].append(step)
                    curves["loss"].append(mean_loss)
                    curves["lr"].append(lr)
                    if not math.isfinite(mean_loss) or mean_loss > explode:
                        status = "diverged"
                        message = (f"training loss {mean_loss:.4g} at step {step} ("
                                   + ("not finite" if not math.isfinite(mean_loss) else
                                      f"over {explode:.4g}, 1000x the chance-level loss") + ")")
                        break
                    if bar is not None:
                        bar.update(step - bar.n)
                        bar.set_postfix(loss=f"{mean_loss:.3f}", epoch=epoch + 1)
            if cuda:
                torch.cuda.synchronize(dev)
            train_seconds += time.perf_counter() - t_epoch
            if status != "ok":
                break
            last = epoch == bud.epochs - 1
            test_error = (evaluate(model, test_data, bud.eval_batch_size, amp_dtype)
                          if last or (epoch + 1) % bud.eval_every == 0 else None)
            if test_error is not None:
                errors.append(test_error)
            curves["epoch"].append(epoch + 1)
            curves["test_error"].append(test_error)
            curves["train_loss"].append(epoch_loss.item() / steps_per_epoch)
            if bar is not None and errors:
                bar.set_postfix(loss=f"{curves['loss'][-1]:.3f}", test_error=f"{errors[-1]:.2f}")
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:  # a sweep records the failure and goes on
        status = "failed"
        message = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"
    finally:
        if bar is not None:
            bar.close()

    chance = 100.0 * (1.0 - 1.0 / info.num_classes)
    if status == "ok":
        error = errors[-1]
    else:
        error = chance
    best = min(errors) if errors else error
    return TrainResult(
        error=float(error),
        best_error=float(best),
        curves=curves,
        seconds=time.perf_counter() - t_start,
        status=status,
        settings=settings,
        images_per_second=images_seen / train_seconds if train_seconds > 0 else 0.0,
        device=str(dev),
        message=message,
    )
