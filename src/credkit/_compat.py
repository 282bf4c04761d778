"""Old names kept for one release, with a DeprecationWarning (private)."""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

__all__ = ["deprecated", "moved_names", "renamed_argument"]

_F = TypeVar("_F", bound=Callable[..., Any])


def renamed_argument(old: str, new: str) -> Callable[[_F], _F]:
    """Decorator factory: accept the keyword ``old`` for ``new``, with a DeprecationWarning.

    >>> @renamed_argument("on", "as_of")
    ... def due(as_of):
    ...     return as_of
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     due(on=3), caught[0].category.__name__
    (3, 'DeprecationWarning')
    """

    def decorate(function: _F) -> _F:
        @functools.wraps(function)
        def accept_old_name(*args: Any, **kwargs: Any) -> Any:
            if old in kwargs:
                deprecated(f"{function.__qualname__}({old}=...)", f"{new}=...")
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return accept_old_name  # type: ignore[return-value]

    return decorate


def deprecated(old: str, new: str, *, stacklevel: int = 3) -> None:
    """Warn that ``old`` is deprecated for one release in favour of ``new``.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     deprecated("Rule.compile()", "rule.failure(profile, order)", stacklevel=1)
    >>> str(caught[0].message)
    'Rule.compile() is deprecated and will be removed in the next release; use rule.failure(profile, order)'
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; use {new}",
        DeprecationWarning,
        stacklevel=stacklevel,
    )


def moved_names(module: str, targets: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` serving old names from their new place, with a warning.

    ``targets`` maps each old name to the dotted path of what replaced it.

    >>> import warnings
    >>> getattr_ = moved_names("credkit.example", {"Old": "credkit.money.Money"})
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     getattr_("Old").__name__
    'Money'
    """

    def moved(name: str) -> Any:
        if name not in targets:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        path = targets[name]
        deprecated(f"{module}.{name}", path)
        where, _, attribute = path.rpartition(".")
        return getattr(importlib.import_module(where), attribute)

    return moved
