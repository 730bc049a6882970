"""What a user passes as "a network", resolved to one description type.

Functions that count, build or time a network take a description object
(:data:`~regnet_lab.configs.Description`: an :class:`~regnet_lab.configs.AnyNetConfig` or a
:class:`~regnet_lab.configs.RegNetConfig`) or the name of a paper model (``"RegNetY-400MF"``,
Appendix C). :func:`as_anynet` is the one place where a name is looked up in the zoo, so the
descriptions (:mod:`regnet_lab.configs`) and the zoo (:mod:`regnet_lab.zoo`, which is built from
descriptions) do not import each other.
"""

from typing import Any, Union

from .configs import AnyNetConfig, Description, RegNetConfig
from .zoo import zoo_config

__all__ = ["as_anynet"]


def as_anynet(description: Union[Description, str], **overrides: Any) -> AnyNetConfig:
    """Any description (AnyNet, RegNet or a zoo name) as an
    :class:`~regnet_lab.configs.AnyNetConfig`.

    ``overrides`` replace fields first (e.g. ``num_classes=10, stem_stride=1``); for a RegNet they
    may be any RegNet field or any shared field (stem, classes, channels, se_ratio).

    >>> as_anynet("RegNetX-200MF", num_classes=10).widths
    (24, 56, 152, 368)
    """
    if isinstance(description, str):
        description = zoo_config(description)
    if isinstance(description, RegNetConfig):
        if overrides:
            description = description.replace(**overrides)
        return description.to_anynet()
    if isinstance(description, AnyNetConfig):
        return description.replace(**overrides) if overrides else description
    raise ValueError(
        "expected an AnyNetConfig, a RegNetConfig or a zoo name such as 'RegNetX-400MF', "
        f"got {type(description).__name__}"
    )
