"""Fashion-MNIST and CIFAR-10 as in-memory tensors, found on disk or downloaded once.

The paper studies design spaces on ImageNet (Section 3.1); this book redoes the experiments on
small images so that populations of models can be trained on one machine. Two data sets are
supported, both returned whole as ``uint8`` tensors so that a trainer can keep them in (GPU)
memory and augment whole batches at once (see :mod:`regnet_lab.training`):

* ``"fashion-mnist"``: 60,000 + 10,000 grey 28x28 images of clothes in 10 classes
  (Xiao, Rasul and Vollgraf, 2017). Debian and Ubuntu ship it as the package
  ``dataset-fashion-mnist`` (files in ``/usr/share/datasets/fashion-mnist``).
* ``"cifar-10"``: 50,000 + 10,000 colour 32x32 images in 10 classes (Krizhevsky, 2009), in the
  official "python version" (pickled batches in ``cifar-10-batches-py/``).

Where the files are looked for, in order (:func:`load_dataset`):

1. the ``root`` argument;
2. the directory in the environment variable ``REGNET_LAB_DATA``;
3. the repository's ``data/`` folder (``./data`` when the package is installed elsewhere);
4. for Fashion-MNIST, the Debian system copy ``/usr/share/datasets/fashion-mnist``;
5. a download through torchvision into the first of the folders above (allowed by default;
   ``download=False`` forbids it). This is what happens on Colab.

Inside each folder exactly these layouts are recognised: the files themselves, a
``fashion-mnist/`` or ``cifar-10-batches-py/`` sub-folder, and torchvision's ``FashionMNIST/raw/``
(an official ``cifar-10-python.tar.gz`` left there by an interrupted download is unpacked). The network is
never touched when the files are present anywhere in the list.

Every file is checked before use: the MD5 of the official content (for the gzip'ed IDX files the
MD5 of the *decompressed* bytes, because re-packagers such as Debian re-compress them; for the
CIFAR pickles the MD5 of the official files, checked *before* they are unpickled), and the shapes
and label ranges. A missing data set raises :class:`DatasetNotFoundError`, a damaged one
:class:`DatasetCorruptError`; both messages say how to get the data.

Decoded tensors are cached in the process, so a second ``load_dataset`` call costs a few
``stat`` calls. The returned tensors are shared with the cache: clone them before changing them
in place.

For Fig. 14's resolution test (Section 4 of the paper), :func:`resize_images` gives the same
images at another side (bilinear, antialiased when shrinking), still as ``uint8``; the trainer
uses it for ``train(..., resolution=R)``.

Example:
    >>> import regnet_lab as rl
    >>> images, labels = rl.load_dataset("fashion-mnist", "test")   # doctest: +SKIP
    >>> images.shape, images.dtype, labels.dtype                    # doctest: +SKIP
    (torch.Size([10000, 1, 28, 28]), torch.uint8, torch.int64)
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import io
import os
import pickle
import re
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Union

import numpy as np
import torch
import torch.nn.functional as F

from . import validation as check

__all__ = [
    "DATASETS",
    "DatasetInfo",
    "DatasetNotFoundError",
    "DatasetCorruptError",
    "dataset_info",
    "load_dataset",
    "locate_dataset",
    "default_data_dir",
    "canonical_dataset_name",
    "SYSTEM_FASHION_MNIST_DIR",
    "DATA_ENV_VAR",
    "resize_images",
    "RESOLUTION_RANGE",
]

PathLike = Union[str, "os.PathLike[str]"]

#: Names accepted by :func:`load_dataset` (case, ``_`` and spaces are also accepted).
DATASETS: tuple[str, ...] = ("fashion-mnist", "cifar-10")

#: Environment variable naming a folder that holds (or should receive) the data sets.
DATA_ENV_VAR = "REGNET_LAB_DATA"

#: Where Debian's ``dataset-fashion-mnist`` package puts the four .gz files.
SYSTEM_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

SPLITS = ("train", "test")


class DatasetNotFoundError(FileNotFoundError):
    """The data set's files are in none of the places searched and could not be downloaded."""


class DatasetCorruptError(RuntimeError):
    """A data set file exists but is damaged, truncated or not the official file."""


@dataclass(frozen=True)
class DatasetInfo:
    """What a trainer or a chapter needs to know about a data set.

    Attributes:
        name: canonical name (``"fashion-mnist"`` or ``"cifar-10"``).
        title: human-readable name.
        classes: class names, index = label.
        channels, height, width: image shape.
        train_size, test_size: number of images in the official splits.
        mean, std: per-channel mean and standard deviation of the training images, on the 0-1
            scale (pixel / 255), for normalisation.
        crop_padding: pixels of zero padding for the random-crop augmentation.
        hflip: whether random horizontal flips are a sensible augmentation (see
            :mod:`regnet_lab.training`).
        homepage: where the data set comes from.
    """

    name: str
    title: str
    classes: tuple[str, ...]
    channels: int
    height: int
    width: int
    train_size: int
    test_size: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    crop_padding: int
    hflip: bool
    homepage: str

    @property
    def num_classes(self) -> int:
        """Number of classes."""
        return len(self.classes)

    @property
    def shape(self) -> tuple[int, int, int]:
        """``(channels, height, width)`` of one image."""
        return (self.channels, self.height, self.width)

    @property
    def resolution(self) -> int:
        """Side of the (square) images, the ``resolution`` for :func:`regnet_lab.complexity`."""
        return self.height

    def size(self, split: str) -> int:
        """Number of images in ``split`` (``"train"`` or ``"test"``)."""
        return self.train_size if _check_split(split) == "train" else self.test_size


_INFO = {
    "fashion-mnist": DatasetInfo(
        name="fashion-mnist",
        title="Fashion-MNIST",
        classes=("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
        channels=1, height=28, width=28,
        train_size=60000, test_size=10000,
        # Computed from the 60,000 training images (pixel / 255).
        mean=(0.2860,), std=(0.3530,),
        crop_padding=2,
        # Every shoe in Fashion-MNIST (train and test) points the same way, and the garments are
        # centred and upright: a mirrored image is never seen at test time, so flipping only
        # spends capacity in a few-epoch regime. Random crops are kept.
        hflip=False,
        homepage="https://github.com/zalandoresearch/fashion-mnist",
    ),
    "cifar-10": DatasetInfo(
        name="cifar-10",
        title="CIFAR-10",
        classes=("airplane", "automobile", "bird", "cat", "deer",
                 "dog", "frog", "horse", "ship", "truck"),
        channels=3, height=32, width=32,
        train_size=50000, test_size=10000,
        # Per-channel statistics over all training pixels (not the average per-image std).
        mean=(0.4914, 0.4822, 0.4465), std=(0.2470, 0.2435, 0.2616),
        crop_padding=4,
        hflip=True,  # natural photos: left-right mirror images are equally likely
        homepage="https://www.cs.toronto.edu/~kriz/cifar.html",
    ),
}

# ---------------------------------------------------------------------------------------------
# Known checksums.
#
# Fashion-MNIST: MD5 of the *decompressed* IDX files. The official .gz files (MD5s below, the
# ones torchvision checks) store the original file name in the gzip header; Debian's package
# re-compressed them without it (each file is exactly len(name) + 1 bytes shorter, same deflate
# stream), so the .gz MD5 differs while the content is identical. Checking the content accepts
# both, and also the uncompressed files torchvision extracts next to the .gz.
# CIFAR-10: MD5 of the official pickled batches (as published with torchvision's loader).
_FASHION_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
_FASHION_CONTENT_MD5 = {
    "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
    "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
    "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
    "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
}
_FASHION_GZ_MD5 = {  # the official downloads (for reference and for the error messages)
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}
_CIFAR_DIR = "cifar-10-batches-py"
_CIFAR_FILES = {
    "train": ("data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"),
    "test": ("test_batch",),
}
_CIFAR_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}
_CIFAR_TARBALL = "cifar-10-python.tar.gz"
_CIFAR_TARBALL_MD5 = "c58f30108f718f92721af3b95e74349a"

_ALIASES = {
    "fashionmnist": "fashion-mnist",
    "fmnist": "fashion-mnist",
    "cifar10": "cifar-10",
}


# ---------------------------------------------------------------------------------------------
# Names and places


def canonical_dataset_name(name: str) -> str:
    """``"Fashion_MNIST"``, ``"fashion-mnist"``, ``"CIFAR10"``... -> the canonical name.

    Raises:
        ValueError: for anything else, listing the supported data sets.
    """
    if isinstance(name, str):
        key = re.sub(r"[^a-z0-9]", "", name.lower())
        if key in _ALIASES:
            return _ALIASES[key]
    raise ValueError(f"dataset must be one of {', '.join(DATASETS)} (case, '_' and '-' are "
                     f"ignored), got {name!r}")


def _check_split(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    return split


def dataset_info(name: str) -> DatasetInfo:
    """Classes, image shape, sizes, normalisation statistics and augmentation defaults.

    >>> dataset_info("fashion-mnist").shape
    (1, 28, 28)
    >>> dataset_info("CIFAR10").num_classes
    10
    """
    return _INFO[canonical_dataset_name(name)]


def default_data_dir() -> Path:
    """The repository's ``data/`` folder when the package runs from a checkout of the book's
    repository (an editable install: ``pyproject.toml`` beside the package), else ``./data``.

    An installed copy (``pip install .``) lives in site-packages, where a ``data/`` folder
    beside it belongs to no one, so it is never used (nor written to by downloads).
    """
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "data").is_dir():
        return root / "data"
    return Path.cwd() / "data"


def _search_dirs(root: Optional[PathLike], name: str) -> list[tuple[str, Path]]:
    """``(why, folder)`` pairs in search order."""
    dirs: list[tuple[str, Path]] = []
    if root is not None:
        dirs.append(("root argument", Path(root).expanduser()))
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        dirs.append((f"${DATA_ENV_VAR}", Path(env).expanduser()))
    dirs.append(("repository data folder", default_data_dir()))
    if name == "fashion-mnist":
        dirs.append(("system copy (Debian package dataset-fashion-mnist)", SYSTEM_FASHION_MNIST_DIR))
    return dirs


def _candidates(name: str, folder: Path) -> list[Path]:
    """Sub-folders of ``folder`` where the files may sit (the folder itself first)."""
    # exactly the layouts the module docstring documents
    if name == "fashion-mnist":
        subs = ["", "fashion-mnist", "FashionMNIST/raw"]
    else:
        subs = [_CIFAR_DIR, ""]
    return [folder / s if s else folder for s in subs]


def _fashion_file(folder: Path, stem: str) -> Optional[Path]:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _find_files(name: str, split: str, folder: Path) -> Optional[tuple[Path, ...]]:
    """The split's files in one folder (any recognised layout), or None."""
    for place in _candidates(name, folder):
        if not place.is_dir():
            continue
        if name == "fashion-mnist":
            found = [_fashion_file(place, stem) for stem in _FASHION_FILES[split]]
        else:
            found = [place / f if (place / f).is_file() else None for f in _CIFAR_FILES[split]]
        if all(f is not None for f in found):
            return tuple(found)  # type: ignore[arg-type]
        if name == "cifar-10" and (place / _CIFAR_TARBALL).is_file():
            # An official archive that was downloaded but never unpacked: unpack it (no network).
            _extract_cifar_tarball(place / _CIFAR_TARBALL)
            unpacked = place / _CIFAR_DIR
            if all((unpacked / f).is_file() for f in _CIFAR_FILES[split]):
                return tuple(unpacked / f for f in _CIFAR_FILES[split])
    return None


def locate_dataset(name: str, split: str = "train",
                   root: Optional[PathLike] = None) -> Optional[tuple[Path, ...]]:
    """The files :func:`load_dataset` would read (first place that has them), or None.

    Never downloads. Useful to tell a reader where their data comes from.
    """
    name = canonical_dataset_name(name)
    split = _check_split(split)
    for _, folder in _search_dirs(root, name):
        files = _find_files(name, split, folder)
        if files is not None:
            return files
    return None


# ---------------------------------------------------------------------------------------------
# Another input side (Fig. 14's resolution test)

#: Smallest and largest input side in pixels that :func:`resize_images` and ``train(...,
#: resolution=R)`` accept (8 px, where the four stride-2 stages after a stride-1 stem still
#: leave 1x1 maps; 224 px, the paper's ImageNet side).
RESOLUTION_RANGE = (8, 224)


def _check_resolution(resolution: object, name: str = "resolution") -> int:
    """``resolution`` as an int in :data:`RESOLUTION_RANGE` (TypeError/ValueError naming it)."""
    lo, hi = RESOLUTION_RANGE
    return check.integer(resolution, name, lo, hi, "the input side in pixels")


def resize_images(images: torch.Tensor, resolution: int) -> torch.Tensor:
    """The ``uint8`` images ``N x C x H x W`` resized to ``resolution x resolution``, as ``uint8``.

    Bilinear interpolation (``torch.nn.functional.interpolate``), antialiased when the images
    shrink, rounded back to whole pixel values; done in chunks, so memory stays small. This is
    how this library trains at another input side for the resolution test of Fig. 14 (Section 4
    of the paper, where inputs other than 224 px were worse); images already of that side are
    returned as they are.

    Raises:
        TypeError: ``images`` is not a ``uint8`` tensor, or ``resolution`` not an integer.
        ValueError: ``images`` not 4-D, or ``resolution`` outside :data:`RESOLUTION_RANGE`.

    >>> x = torch.zeros(2, 1, 28, 28, dtype=torch.uint8)
    >>> resize_images(x, 20).shape, resize_images(x, 36).dtype
    (torch.Size([2, 1, 20, 20]), torch.uint8)
    """
    if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8:
        raise check.ParameterTypeError(
            f"images must be a uint8 torch tensor N x C x H x W, got "
            f"{getattr(images, 'dtype', type(images).__name__)}")
    if images.dim() != 4:
        raise ValueError(f"images must be N x C x H x W, got shape {tuple(images.shape)}")
    side = _check_resolution(resolution)
    if tuple(images.shape[2:]) == (side, side):
        return images
    shrink = side < max(images.shape[2:])
    out = torch.empty((*images.shape[:2], side, side), dtype=torch.uint8, device=images.device)
    for start in range(0, images.shape[0], 4096):
        chunk = F.interpolate(images[start:start + 4096].float(), size=(side, side),
                              mode="bilinear", align_corners=False, antialias=shrink)
        out[start:start + 4096] = chunk.round_().clamp_(0, 255).to(torch.uint8)
    return out


# ---------------------------------------------------------------------------------------------
# Help texts


def _how_to_get(name: str, data_dir: Path) -> str:
    if name == "fashion-mnist":
        return (
            "How to get Fashion-MNIST:\n"
            "  * Debian/Ubuntu: sudo apt-get install dataset-fashion-mnist "
            f"(installs {SYSTEM_FASHION_MNIST_DIR});\n"
            "  * or put train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from "
            f"{_INFO[name].homepage} into {data_dir / 'fashion-mnist'} "
            f"(or any folder named by the environment variable {DATA_ENV_VAR}, or pass root=...);\n"
            "  * or allow the download (the default, download=True; automatic on Colab) on a "
            "machine with internet access."
        )
    return (
        "How to get CIFAR-10:\n"
        f"  * download {_CIFAR_TARBALL} (python version) from {_INFO[name].homepage} and unpack "
        f"it into {data_dir} (giving {data_dir / _CIFAR_DIR}), or into any folder named by "
        f"the environment variable {DATA_ENV_VAR}, or pass root=...;\n"
        "  * or allow the download (the default, download=True; automatic on Colab) on a machine "
        "with internet access (163 MB)."
    )


def _corrupt(name: str, path: Path, what: str) -> DatasetCorruptError:
    return DatasetCorruptError(
        f"{_INFO[name].title} file {path} is damaged or not the official file: {what}. "
        f"Delete it (and its siblings) and get the data again.\n"
        + _how_to_get(name, default_data_dir())
    )


# ---------------------------------------------------------------------------------------------
# Decoding


def _read_bytes(name: str, path: Path) -> bytes:
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as f:
                return f.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise _corrupt(name, path, f"cannot be read ({exc})") from exc


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _parse_idx(name: str, path: Path, data: bytes, ndim: int) -> np.ndarray:
    """An IDX file (LeCun's MNIST format): magic 0 0 0x08 ndim, big-endian sizes, uint8 data."""
    if len(data) < 4 + 4 * ndim or data[:4] != bytes((0, 0, 0x08, ndim)):
        raise _corrupt(name, path, f"not an IDX file of unsigned bytes with {ndim} dimensions")
    dims = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    body = 4 + 4 * ndim
    if len(data) - body != int(np.prod(dims)):
        raise _corrupt(name, path, f"header says {dims} but the file has {len(data) - body} bytes")
    return np.frombuffer(data, dtype=np.uint8, offset=body).reshape(dims)


def _decode_fashion(split: str, files: tuple[Path, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    name = "fashion-mnist"
    arrays = []
    for path, ndim, stem in zip(files, (3, 1), _FASHION_FILES[split]):
        data = _read_bytes(name, path)
        digest = _md5(data)
        if digest != _FASHION_CONTENT_MD5[stem]:
            raise _corrupt(name, path, f"MD5 of the content is {digest}, expected "
                                       f"{_FASHION_CONTENT_MD5[stem]}")
        arrays.append(_parse_idx(name, path, data, ndim))
    images, labels = arrays
    if images.shape[1:] != (28, 28) or images.shape[0] != labels.shape[0]:
        raise _corrupt(name, files[0], f"images {images.shape} do not match labels {labels.shape}")
    if labels.size and labels.max() >= 10:
        raise _corrupt(name, files[1], "labels outside 0..9")
    x = torch.from_numpy(images.copy()).unsqueeze(1)  # N x 1 x 28 x 28
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


class _CifarUnpickler(pickle.Unpickler):
    """Unpickles only what the CIFAR batches contain: dicts, lists, bytes and numpy arrays."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
        ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
        ("numpy", "ndarray"), ("numpy", "dtype"),
        ("_codecs", "encode"),  # how Python 3 writes bytes at pickle protocol 2
    }

    def find_class(self, module: str, name: str):  # noqa: D401 - pickle API
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a CIFAR batch")
        return super().find_class(module, name)


def _decode_cifar(split: str, files: tuple[Path, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    name = "cifar-10"
    xs, ys = [], []
    for path in files:
        raw = _read_bytes(name, path)
        digest = _md5(raw)
        expected = _CIFAR_MD5[path.name]
        if digest != expected:
            raise _corrupt(name, path, f"MD5 is {digest}, expected {expected}")
        try:
            batch = _CifarUnpickler(io.BytesIO(raw), encoding="bytes").load()
            data = np.asarray(batch[b"data"], dtype=np.uint8)
            labels = np.asarray(batch[b"labels"], dtype=np.int64)
        except Exception as exc:  # any unpickling problem means a bad file
            raise _corrupt(name, path, f"cannot be unpickled as a CIFAR batch ({exc})") from exc
        if data.ndim != 2 or data.shape[1] != 3 * 32 * 32 or data.shape[0] != labels.shape[0]:
            raise _corrupt(name, path, f"data {data.shape} / labels {labels.shape} are not "
                                       "N x 3072 / N")
        if labels.size and (labels.min() < 0 or labels.max() >= 10):
            raise _corrupt(name, path, "labels outside 0..9")
        xs.append(data.reshape(-1, 3, 32, 32))  # rows are the R, G, B planes, row-major
        ys.append(labels)
    x = torch.from_numpy(np.concatenate(xs))
    y = torch.from_numpy(np.concatenate(ys))
    return x, y


def _extract_cifar_tarball(tarball: Path) -> None:
    """Unpack an already downloaded official archive next to itself (no network)."""
    with open(tarball, "rb") as f:
        digest = hashlib.md5(usedforsecurity=False)
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != _CIFAR_TARBALL_MD5:
        raise _corrupt("cifar-10", tarball, f"MD5 is {digest.hexdigest()}, expected "
                                            f"{_CIFAR_TARBALL_MD5}")
    with tarfile.open(tarball, "r:gz") as tar:
        members = [m for m in tar.getmembers()
                   if m.isfile() and m.name.startswith(f"{_CIFAR_DIR}/") and ".." not in m.name]
        tar.extractall(tarball.parent, members=members)


@functools.lru_cache(maxsize=8)
def _decode_cached(name: str, split: str, files: tuple[Path, ...],
                   stamps: tuple[tuple[int, int], ...]) -> tuple[torch.Tensor, torch.Tensor]:
    # ``stamps`` (size, mtime) make a replaced file miss the cache.
    del stamps
    if name == "fashion-mnist":
        return _decode_fashion(split, files)
    return _decode_cifar(split, files)


def _stamps(files: tuple[Path, ...]) -> tuple[tuple[int, int], ...]:
    out = []
    for f in files:
        st = f.stat()
        out.append((st.st_size, st.st_mtime_ns))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Download (only when nothing was found)


@contextlib.contextmanager
def _download_lock(target: Path):
    """An exclusive lock per target folder so parallel workers download only once (POSIX)."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    # The lock file lives in the temp folder (not in the data folder, which git may track).
    key = hashlib.md5(str(target.resolve()).encode(), usedforsecurity=False).hexdigest()[:16]
    with open(Path(tempfile.gettempdir()) / f"regnet_lab_download_{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _download(name: str, target: Path) -> None:
    """Fetch the official files through torchvision into ``target``."""
    try:
        from torchvision import datasets
    except ImportError as exc:  # pragma: no cover - torchvision is a dependency
        raise DatasetNotFoundError(f"torchvision is needed to download {name}") from exc
    target.mkdir(parents=True, exist_ok=True)
    if name == "fashion-mnist":
        # torchvision fetches all four files into target/FashionMNIST/raw/ and checks their MD5.
        datasets.FashionMNIST(root=str(target), train=True, download=True)
        datasets.FashionMNIST(root=str(target), train=False, download=True)
    else:
        # torchvision fetches and unpacks cifar-10-python.tar.gz into target/cifar-10-batches-py.
        datasets.CIFAR10(root=str(target), train=True, download=True)


# ---------------------------------------------------------------------------------------------
# The entry point


def load_dataset(name: str, split: str = "train", root: Optional[PathLike] = None,
                 download: Optional[bool] = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Images and labels of one split as tensors.

    Args:
        name: ``"fashion-mnist"`` or ``"cifar-10"`` (``"Fashion_MNIST"``, ``"CIFAR10"``... too).
        split: ``"train"`` or ``"test"``.
        root: a folder to look in first (see the module docstring for the search order).
        download: ``None`` or ``True`` allow a download through torchvision when the files are
            found nowhere; ``False`` raises instead. Nothing is downloaded when files exist.

    Returns:
        ``(images, labels)``: ``uint8`` tensor ``N x C x H x W`` (``C = 1``, 28x28 for
        Fashion-MNIST; ``C = 3``, 32x32 for CIFAR-10) and ``int64`` tensor ``N``. The tensors
        are cached and shared between calls: do not modify them in place.

    Raises:
        ValueError: unknown ``name`` or ``split``.
        DatasetNotFoundError: no files anywhere and no download allowed or possible.
        DatasetCorruptError: files found but damaged (wrong checksum, truncated, bad shapes).
    """
    name = canonical_dataset_name(name)
    split = _check_split(split)
    download = check.optional_flag(download, "download")
    if root is not None:
        check.path(root, "root", kind="folder")
    searched = _search_dirs(root, name)
    for _, folder in searched:
        files = _find_files(name, split, folder)
        if files is not None:
            return _decode_cached(name, split, files, _stamps(files))

    target = searched[0][1] if root is not None or os.environ.get(DATA_ENV_VAR) else default_data_dir()
    where = "\n".join(f"  * {folder} ({why})" for why, folder in searched)
    if download is False:
        raise DatasetNotFoundError(
            f"{_INFO[name].title} ({split}) was not found in:\n{where}\n"
            f"and download=False.\n" + _how_to_get(name, target))
    try:
        with _download_lock(target):
            # another process (a sweep worker) may have fetched it while we waited
            if _find_files(name, split, target) is None:
                _download(name, target)
    except Exception as exc:
        raise DatasetNotFoundError(
            f"{_INFO[name].title} ({split}) was not found in:\n{where}\n"
            f"and downloading it into {target} failed ({type(exc).__name__}: {exc}).\n"
            + _how_to_get(name, target)) from exc
    files = _find_files(name, split, target)
    if files is None:
        raise DatasetNotFoundError(
            f"the download of {_INFO[name].title} into {target} finished but its files are "
            "not there.\n" + _how_to_get(name, target))
    return _decode_cached(name, split, files, _stamps(files))
