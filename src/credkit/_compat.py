"""Old names kept for one release, with a DeprecationWarning (private)."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["renamed_argument"]

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
                warnings.warn(
                    f"{function.__qualname__}({old}=...) is deprecated and will be removed in "
                    f"the next release; pass {new}=...",
                    DeprecationWarning,
                    stacklevel=2,
                )
                kwargs[new] = kwargs.pop(old)
            return function(*args, **kwargs)

        return accept_old_name  # type: ignore[return-value]

    return decorate
