"""regnet_lab.data: finding, checking and decoding Fashion-MNIST and CIFAR-10."""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import socket
import tarfile
from pathlib import Path

import numpy as np
import pytest
import torch

from regnet_lab import data

FASHION_TEST_FILES = data.locate_dataset("fashion-mnist", "test")
FASHION_FOUND = FASHION_TEST_FILES is not None
needs_fashion = pytest.mark.skipif(
    not FASHION_FOUND,
    reason="Fashion-MNIST files not found (install the Debian package dataset-fashion-mnist, "
           "or set REGNET_LAB_DATA); the download path is tested with a fake torchvision",
)


# ---------------------------------------------------------------------------------------------
# helpers


def write_cifar(folder: Path, n_per_batch: int = 8, seed: int = 0) -> dict[str, str]:
    """Small files in the official CIFAR-10 python format; returns their MD5s."""
    rng = np.random.default_rng(seed)
    target = folder / "cifar-10-batches-py"
    target.mkdir(parents=True, exist_ok=True)
    md5 = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        batch = {
            b"batch_label": name.encode(),
            b"labels": [int(v) for v in rng.integers(0, 10, n_per_batch)],
            b"data": rng.integers(0, 256, (n_per_batch, 3072), dtype=np.uint8),
            b"filenames": [f"img{i}.png".encode() for i in range(n_per_batch)],
        }
        raw = pickle.dumps(batch, protocol=2)
        (target / name).write_bytes(raw)
        md5[name] = hashlib.md5(raw).hexdigest()
    return md5


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No data anywhere by default: empty repo data dir, no system copy, no env var."""
    empty = tmp_path / "repo-data"
    empty.mkdir()
    monkeypatch.setattr(data, "default_data_dir", lambda: empty)
    monkeypatch.setattr(data, "SYSTEM_FASHION_MNIST_DIR", tmp_path / "no-system-copy")
    monkeypatch.delenv(data.DATA_ENV_VAR, raising=False)
    return tmp_path


@pytest.fixture
def no_network(monkeypatch):
    """Any download attempt or socket connection fails the test."""
    import torchvision.datasets as tvd

    def boom(*args, **kwargs):
        raise AssertionError("the network was touched")

    monkeypatch.setattr(tvd, "FashionMNIST", boom)
    monkeypatch.setattr(tvd, "CIFAR10", boom)
    monkeypatch.setattr(socket.socket, "connect", boom)


@pytest.fixture
def cifar_dir(isolated, monkeypatch):
    folder = isolated / "cifar"
    md5 = write_cifar(folder)
    monkeypatch.setattr(data, "_CIFAR_MD5", md5)
    return folder


# ---------------------------------------------------------------------------------------------
# names and info


@pytest.mark.parametrize("alias, name", [
    ("fashion-mnist", "fashion-mnist"), ("Fashion_MNIST", "fashion-mnist"),
    ("FashionMNIST", "fashion-mnist"), ("cifar-10", "cifar-10"), ("CIFAR10", "cifar-10"),
    ("cifar_10", "cifar-10"),
])
def test_names(alias, name):
    assert data.canonical_dataset_name(alias) == name
    assert name in data.DATASETS


@pytest.mark.parametrize("bad", ["mnist", "imagenet", "", None, 10])
def test_unknown_name_raises_valueerror(bad):
    with pytest.raises(ValueError, match="fashion-mnist, cifar-10"):
        data.load_dataset(bad)
    with pytest.raises(ValueError):
        data.dataset_info(bad)


def test_bad_split_and_download_arguments(isolated):
    with pytest.raises(ValueError, match="split"):
        data.load_dataset("fashion-mnist", "validation")
    with pytest.raises(ValueError, match="download"):
        data.load_dataset("fashion-mnist", download="yes")


def test_dataset_info():
    f = data.dataset_info("fashion-mnist")
    assert f.shape == (1, 28, 28) and f.num_classes == 10 and f.resolution == 28
    assert f.size("train") == 60000 and f.size("test") == 10000
    assert not f.hflip and f.crop_padding > 0
    c = data.dataset_info("cifar10")
    assert c.shape == (3, 32, 32) and len(c.mean) == len(c.std) == 3 and c.hflip


# ---------------------------------------------------------------------------------------------
# real Fashion-MNIST


@needs_fashion
def test_fashion_mnist_test_split(no_network):
    x, y = data.load_dataset("fashion-mnist", "test")
    assert x.shape == (10000, 1, 28, 28) and x.dtype == torch.uint8
    assert y.shape == (10000,) and y.dtype == torch.int64
    assert torch.equal(torch.bincount(y), torch.full((10,), 1000))
    # normalisation statistics are those of the data (test split is close to train)
    assert abs(x.float().mean().item() / 255 - data.dataset_info("fashion-mnist").mean[0]) < 0.01
    # cached: the second call is the same tensors
    x2, y2 = data.load_dataset("Fashion_MNIST", split="test")
    assert x2 is x and y2 is y


@needs_fashion
def test_fashion_mnist_train_split(no_network):
    x, y = data.load_dataset("fashion-mnist")
    assert x.shape == (60000, 1, 28, 28)
    assert y[:5].tolist() == [9, 0, 0, 3, 0]  # first labels of the official file


@needs_fashion
def test_uncompressed_and_torchvision_layout(isolated, no_network):
    """torchvision's FashionMNIST/raw/ with unpacked files is found and checked too."""
    raw = isolated / "mine" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for f in FASHION_TEST_FILES:
        opener = gzip.open if f.suffix == ".gz" else open
        with opener(f, "rb") as fin:
            (raw / f.name.removesuffix(".gz")).write_bytes(fin.read())
    x, y = data.load_dataset("fashion-mnist", "test", root=isolated / "mine", download=False)
    assert x.shape == (10000, 1, 28, 28)


def _write_gz(path: Path, payload: bytes) -> None:
    with gzip.open(path, "wb") as f:
        f.write(payload)


def test_truncated_fashion_file_is_reported(isolated, no_network):
    folder = isolated / "fm"
    folder.mkdir()
    header = bytes((0, 0, 8, 3)) + np.array([10000, 28, 28], ">u4").tobytes()
    _write_gz(folder / "t10k-images-idx3-ubyte.gz", header + bytes(100))
    raw = (folder / "t10k-images-idx3-ubyte.gz").read_bytes()
    (folder / "t10k-images-idx3-ubyte.gz").write_bytes(raw[: len(raw) // 2])  # cut short
    _write_gz(folder / "t10k-labels-idx1-ubyte.gz", bytes((0, 0, 8, 1)) + bytes(4))
    with pytest.raises(data.DatasetCorruptError, match="t10k-images") as info:
        data.load_dataset("fashion-mnist", "test", root=folder)
    assert "apt-get install dataset-fashion-mnist" in str(info.value)


def test_wrong_fashion_content_is_reported(isolated, no_network, monkeypatch):
    folder = isolated / "fm"
    folder.mkdir()
    images = bytes((0, 0, 8, 3)) + np.array([2, 28, 28], ">u4").tobytes() + bytes(2 * 784)
    labels = bytes((0, 0, 8, 1)) + np.array([2], ">u4").tobytes() + bytes((1, 7))
    _write_gz(folder / "t10k-images-idx3-ubyte.gz", images)
    _write_gz(folder / "t10k-labels-idx1-ubyte.gz", labels)
    with pytest.raises(data.DatasetCorruptError, match="MD5"):
        data.load_dataset("fashion-mnist", "test", root=folder)
    # with these files declared official, the IDX parser reads them
    monkeypatch.setitem(data._FASHION_CONTENT_MD5, "t10k-images-idx3-ubyte",
                        hashlib.md5(images).hexdigest())
    monkeypatch.setitem(data._FASHION_CONTENT_MD5, "t10k-labels-idx1-ubyte",
                        hashlib.md5(labels).hexdigest())
    x, y = data.load_dataset("fashion-mnist", "test", root=folder)
    assert x.shape == (2, 1, 28, 28) and y.tolist() == [1, 7]


# ---------------------------------------------------------------------------------------------
# CIFAR-10 (synthetic files in the official format)


def test_cifar_synthetic_files(cifar_dir, no_network):
    x, y = data.load_dataset("cifar-10", "train", root=cifar_dir)
    assert x.shape == (40, 3, 32, 32) and x.dtype == torch.uint8 and y.dtype == torch.int64
    xt, yt = data.load_dataset("CIFAR10", "test", root=cifar_dir)
    assert xt.shape == (8, 3, 32, 32)
    # pixel layout: row r of a batch is R plane, then G, then B, each 32x32 row-major
    with open(cifar_dir / "cifar-10-batches-py" / "data_batch_1", "rb") as f:
        batch = pickle.load(f, encoding="bytes")
    row = batch[b"data"][3]
    assert x[3, 1, 2, 5].item() == row[1024 + 2 * 32 + 5]
    assert y[:8].tolist() == batch[b"labels"]


def test_cifar_found_through_env_var(cifar_dir, monkeypatch, no_network):
    monkeypatch.setenv(data.DATA_ENV_VAR, str(cifar_dir))
    x, _ = data.load_dataset("cifar-10", "test")
    assert x.shape[1:] == (3, 32, 32)


def test_root_comes_before_env_var(cifar_dir, isolated, monkeypatch, no_network):
    other = isolated / "other"
    md5 = write_cifar(other, n_per_batch=3, seed=1)
    monkeypatch.setattr(data, "_CIFAR_MD5", {**data._CIFAR_MD5, **md5})
    monkeypatch.setenv(data.DATA_ENV_VAR, str(cifar_dir))
    x, _ = data.load_dataset("cifar-10", "test", root=other)
    assert x.shape[0] == 3


def test_cifar_wrong_checksum_is_reported_before_unpickling(isolated, no_network):
    folder = isolated / "cifar"
    write_cifar(folder)  # real MD5 table: these files are not the official ones
    with pytest.raises(data.DatasetCorruptError, match="MD5"):
        data.load_dataset("cifar-10", "test", root=folder)


def test_cifar_pickle_with_code_is_refused(isolated, monkeypatch, no_network):
    folder = isolated / "cifar"
    md5 = write_cifar(folder)

    class Evil:
        def __reduce__(self):
            return (os.getcwd, ())

    raw = pickle.dumps({b"data": Evil(), b"labels": []})
    (folder / "cifar-10-batches-py" / "test_batch").write_bytes(raw)
    md5["test_batch"] = hashlib.md5(raw).hexdigest()
    monkeypatch.setattr(data, "_CIFAR_MD5", md5)
    with pytest.raises(data.DatasetCorruptError, match="unpickled"):
        data.load_dataset("cifar-10", "test", root=folder)


def test_cifar_bad_shape_is_reported(isolated, monkeypatch, no_network):
    folder = isolated / "cifar"
    md5 = write_cifar(folder)
    raw = pickle.dumps({b"data": np.zeros((4, 100), np.uint8), b"labels": [0, 1, 2, 3]})
    (folder / "cifar-10-batches-py" / "test_batch").write_bytes(raw)
    md5["test_batch"] = hashlib.md5(raw).hexdigest()
    monkeypatch.setattr(data, "_CIFAR_MD5", md5)
    with pytest.raises(data.DatasetCorruptError, match="3072"):
        data.load_dataset("cifar-10", "test", root=folder)


def test_cifar_tarball_is_unpacked_without_network(isolated, monkeypatch, no_network):
    staging = isolated / "staging"
    md5 = write_cifar(staging)
    monkeypatch.setattr(data, "_CIFAR_MD5", md5)
    dest = isolated / "dl"
    dest.mkdir()
    tarball = dest / "cifar-10-python.tar.gz"
    with tarfile.open(tarball, "w:gz") as tar:
        tar.add(staging / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    monkeypatch.setattr(data, "_CIFAR_TARBALL_MD5", hashlib.md5(tarball.read_bytes()).hexdigest())
    x, _ = data.load_dataset("cifar-10", "train", root=dest)
    assert x.shape[0] == 40 and (dest / "cifar-10-batches-py" / "data_batch_5").is_file()


# ---------------------------------------------------------------------------------------------
# missing data and downloads


def test_missing_without_download(isolated, no_network):
    with pytest.raises(data.DatasetNotFoundError) as info:
        data.load_dataset("cifar-10", "train", root=isolated / "nothing", download=False)
    msg = str(info.value)
    assert "REGNET_LAB_DATA" in msg and "download" in msg and "nothing" in msg
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(data.DatasetNotFoundError, match="dataset-fashion-mnist"):
        data.load_dataset("fashion-mnist", "test", download=False)


def test_failed_download_gives_instructions(isolated, monkeypatch):
    import torchvision.datasets as tvd

    def offline(*args, **kwargs):
        raise OSError("no internet here")

    monkeypatch.setattr(tvd, "CIFAR10", offline)
    with pytest.raises(data.DatasetNotFoundError, match="no internet here") as info:
        data.load_dataset("cifar-10", "test")
    assert "cifar-10-python.tar.gz" in str(info.value)


def test_download_goes_to_the_data_folder(isolated, monkeypatch):
    """With nothing on disk, torchvision is asked (here a fake) to fetch into the data dir."""
    import torchvision.datasets as tvd

    calls = []

    def fake_cifar(root, train=True, download=False, **kwargs):
        calls.append((root, download))
        monkeypatch.setattr(data, "_CIFAR_MD5", write_cifar(Path(root)))

    monkeypatch.setattr(tvd, "CIFAR10", fake_cifar)
    target = isolated / "env-data"
    monkeypatch.setenv(data.DATA_ENV_VAR, str(target))
    x, _ = data.load_dataset("cifar-10", "test")
    assert calls == [(str(target), True)] and x.shape == (8, 3, 32, 32)
    # the second time the files are there: no second download
    data.load_dataset("cifar-10", "train")
    assert len(calls) == 1
