"""Inline a built-in rule's ``fails`` method into a policy's generated function.

A built-in rule says when it fails once, as an ordinary method
``fails(self, p, amount) -> bool``. Calling one method per rule costs about three
times a hand-written chain of ``if`` statements, so a
:class:`~credkit.policy.policy.Policy` inlines the methods instead: this module reads
the method's own source, turns its body into one expression and binds its names.
Nothing is written twice, and the differential property test
(``tests/policy/test_policy_check.py``) holds the inlined policy to the rules
evaluated one by one. Decision record 0006 explains the choice.

The body may hold ``if test: return x`` statements and a final ``return``; they
become nested conditional expressions. ``self.name`` (and ``self.name.attr``)
becomes a name bound to the rule's value (fields and properties are read once, when
the policy is built: a rule is frozen),
``self`` alone is bound to the rule, and every other free name is bound to what the
method's module (or the builtins) holds under it. ``p`` and ``amount`` stay the
generated function's arguments. A method of another shape, or whose source Python
cannot read (an application frozen without its ``.py`` files), is not inlined: the
policy calls the rule's :meth:`failure` instead, with the same result.
"""

from __future__ import annotations

import ast
import builtins
import copy
import functools
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["inline"]

_ARGUMENTS = ("self", "p", "amount")


class _NotInlinableError(Exception):
    """The method is not of the shape this module inlines."""


@attrs.frozen
class _Template:
    expression: ast.expr
    globals: dict[str, Any]


def _expression(statements: list[ast.stmt]) -> ast.expr:
    """``if t: return a`` ... ``return b`` as ``(a if t else ... b)``."""
    if not statements:
        raise _NotInlinableError("a branch without a return")
    first, rest = statements[0], statements[1:]
    if isinstance(first, ast.Return) and first.value is not None:
        return first.value  # anything after a return is never reached
    if isinstance(first, ast.If):
        then = _expression(first.body)
        otherwise = _expression(first.orelse + rest)
        return ast.IfExp(test=first.test, body=then, orelse=otherwise)
    raise _NotInlinableError(f"a {type(first).__name__} statement")


def _check_names(expression: ast.expr) -> None:
    for node in ast.walk(expression):
        if isinstance(node, ast.Lambda | ast.comprehension | ast.NamedExpr):
            raise _NotInlinableError("names bound inside the expression")
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            raise _NotInlinableError("an assignment")


@functools.cache
def _template(function: Callable[..., bool]) -> _Template | None:
    try:
        source = textwrap.dedent(inspect.getsource(function))
        definition = ast.parse(source).body[0]
        if not isinstance(definition, ast.FunctionDef):
            raise _NotInlinableError("not a function")
        arguments = definition.args
        names = tuple(a.arg for a in arguments.posonlyargs + arguments.args)
        if names != _ARGUMENTS or arguments.vararg or arguments.kwarg or arguments.kwonlyargs:
            raise _NotInlinableError(f"arguments {names}, expected {_ARGUMENTS}")
        body = definition.body
        if (
            body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body = body[1:]  # the docstring
        expression = _expression(body)
        _check_names(expression)
    except (OSError, TypeError, SyntaxError, IndexError, _NotInlinableError):
        return None
    return _Template(expression, getattr(function, "__globals__", {}))


def _self_path(node: ast.expr) -> tuple[str, ...] | None:
    """``("a", "b")`` for ``self.a.b``; ``None`` for anything not rooted at ``self``."""
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id == "self":
            return (node.attr,)
        inner = _self_path(node.value)
        return None if inner is None else (*inner, node.attr)
    return None


class _Bind(ast.NodeTransformer):
    """Rename ``self.x``, ``self`` and free names to prefixed names, recording their values."""

    def __init__(self, rule: object, prefix: str, module: dict[str, Any]) -> None:
        self.rule = rule
        self.prefix = prefix
        self.module = module
        self.values: dict[str, Any] = {}
        self.origins: dict[str, tuple[str, ...]] = {}

    def _bound(self, name: str, value: Any, origin: tuple[str, ...]) -> ast.Name:
        if self.origins.setdefault(name, origin) != origin:
            raise _NotInlinableError(f"two values would share the name {name!r}")
        self.values[name] = value
        return ast.Name(id=name, ctx=ast.Load())

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        path = _self_path(node)
        if path is not None:  # self.a.b: the rule is frozen, so its values are constants
            value: Any = self.rule
            for name in path:
                value = getattr(value, name)
            return self._bound(f"{self.prefix}self_{'_'.join(path)}", value, ("self", *path))
        self.generic_visit(node)
        return node

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in ("p", "amount"):
            return node
        if node.id == "self":
            return self._bound(f"{self.prefix}self", self.rule, ("self",))
        if node.id in self.module:
            return self._bound(f"{self.prefix}{node.id}", self.module[node.id], ("global", node.id))
        if hasattr(builtins, node.id):
            return self._bound(
                f"{self.prefix}{node.id}", getattr(builtins, node.id), ("global", node.id)
            )
        raise _NotInlinableError(f"unknown name {node.id!r}")


def inline(rule: object, prefix: str) -> tuple[str, dict[str, Any]] | None:
    """``rule.fails`` as one expression over ``p`` and ``amount``, with its bound names.

    Every name the expression needs besides ``p`` and ``amount`` starts with
    ``prefix``; ``None`` when the method cannot be inlined (call it instead).

    >>> from credkit.policy.rules import ScoreFloor
    >>> source, names = inline(ScoreFloor(min_score=500), "c3_")
    >>> source
    '(c3_self_fails_when_missing if p.score is None else p.score < c3_self_min_score)'
    >>> names["c3_self_min_score"], names["c3_self_fails_when_missing"]
    (Decimal('500'), True)
    """
    template = _template(type(rule).fails)  # type: ignore[attr-defined]
    if template is None:
        return None
    binder = _Bind(rule, prefix, template.globals)
    try:
        expression = binder.visit(copy.deepcopy(template.expression))
    except _NotInlinableError:
        return None
    return f"({ast.unparse(expression)})", binder.values
