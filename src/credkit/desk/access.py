"""Who may do what at the credit desk: actions, the authorizer protocol, a role table as data.

Every write at the desk other than an order check (releasing, rejecting or
overriding a held order, changing a limit, activating a policy) asks the desk's
:class:`Authorizer`. A host with its own permission system implements the protocol;
others describe roles and users in a :class:`RoleTable` (built in Python or loaded
from a configuration document). :data:`DEFAULT_ROLES` is the usual split:

- ``credit_clerk``: checks orders, releases and rejects held orders, acknowledges
  monitoring alerts;
- ``credit_manager``: also overrides rejected orders and changes limits;
- ``controller``: everything, policies included;
- ``auditor``: reads the log and nothing else.

How much over the limit a user may release is not a role's business: the desk's
:class:`~credkit.limits.ApprovalMatrix` decides that from the user's roles, with
four-eyes bands where the matrix asks for two approvers.

>>> table = RoleTable(users={"ana": ("credit_clerk",), "olga": ("auditor",)})
>>> table.allows("ana", Action.RELEASE, customer_id="C1"), table.allows("olga", Action.RELEASE, customer_id="C1")
(True, False)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Final, Protocol, runtime_checkable

import attrs

from credkit._validate import check_text, frozen_mapping
from credkit.errors import ValidationError

__all__ = ["DEFAULT_ROLES", "Action", "Authorizer", "RoleTable"]


class Action(enum.Enum):
    """What a user asks the desk to do.

    >>> Action("override")
    <Action.OVERRIDE: 'override'>
    """

    CHECK = "check"
    RELEASE = "release"
    REJECT = "reject"
    OVERRIDE = "override"
    CHANGE_LIMIT = "change_limit"
    ACTIVATE_POLICY = "activate_policy"
    VIEW = "view"
    ACKNOWLEDGE = "acknowledge"
    CREDIT = "credit"


@runtime_checkable
class Authorizer(Protocol):
    """What the desk asks before a user acts; a host implements it over its own users.

    ``roles_of`` names the roles the desk's approval matrix knows the user by;
    ``allows`` says whether the user may take ``action`` for ``customer_id`` at all.
    """

    def roles_of(self, user: str) -> tuple[str, ...]:
        """The user's roles (empty for an unknown user)."""
        ...

    def allows(self, user: str, action: Action, *, customer_id: str) -> bool:
        """Whether ``user`` may take ``action`` for ``customer_id``."""
        ...


DEFAULT_ROLES: Final[Mapping[str, frozenset[Action]]] = {
    "credit_clerk": frozenset(
        {Action.CHECK, Action.RELEASE, Action.REJECT, Action.VIEW, Action.ACKNOWLEDGE}
    ),
    "credit_manager": frozenset(
        {
            Action.CHECK,
            Action.RELEASE,
            Action.REJECT,
            Action.OVERRIDE,
            Action.CHANGE_LIMIT,
            Action.VIEW,
            Action.ACKNOWLEDGE,
            Action.CREDIT,
        }
    ),
    "controller": frozenset(Action),
    "auditor": frozenset({Action.VIEW}),
}
"""The roles a :class:`RoleTable` has unless given others: what each may do."""


def _roles(value: object) -> Any:
    if not isinstance(value, Mapping):
        return value
    converted: dict[str, frozenset[Action]] = {}
    for name, actions in value.items():
        if isinstance(actions, str) or not isinstance(actions, list | tuple | set | frozenset):
            raise ValidationError(
                f"roles.{name}: expected a list of actions, got {type(actions).__name__}"
            )
        found: set[Action] = set()
        for index, action in enumerate(actions):
            try:
                found.add(action if isinstance(action, Action) else Action(action))
            except ValueError:
                accepted = ", ".join(a.value for a in Action)
                raise ValidationError(
                    f"roles.{name}[{index}]: unknown action {action!r}; accepted: {accepted}"
                ) from None
        converted[check_text(name, "roles")] = frozenset(found)
    return frozen_mapping(converted)


def _users(value: object) -> Any:
    if not isinstance(value, Mapping):
        return value
    converted: dict[str, tuple[str, ...]] = {}
    for user, roles in value.items():
        if isinstance(roles, str) or not isinstance(roles, list | tuple):
            raise ValidationError(f"users.{user}: expected a list of role names, got {roles!r}")
        converted[check_text(user, "users")] = tuple(
            check_text(role, f"users.{user}") for role in roles
        )
    return frozen_mapping(converted)


def _check_users(instance: RoleTable, _attribute: attrs.Attribute[Any], value: object) -> None:
    for user, roles in instance.users.items():
        for role in roles:
            if role not in instance.roles:
                known = ", ".join(sorted(instance.roles))
                raise ValidationError(f"users.{user}: unknown role {role!r}; known roles: {known}")


@attrs.frozen
class RoleTable:
    """An :class:`Authorizer` as data: what each role may do, and each user's roles.

    A user with several roles may do what any of them may. Unknown users may do
    nothing. ``roles`` defaults to :data:`DEFAULT_ROLES`.

    >>> table = RoleTable(
    ...     roles={"desk": ["check", "release"], "boss": ["check", "release", "override"]},
    ...     users={"ana": ["desk"], "max": ["desk", "boss"]},
    ... )
    >>> table.roles_of("max"), table.allows("ana", Action.OVERRIDE, customer_id="C1")
    (('desk', 'boss'), False)
    >>> RoleTable(users={"bo": ["cfo"]})
    Traceback (most recent call last):
    ...
    credkit.errors.ValidationError: users.bo: unknown role 'cfo'; known roles: auditor, controller, credit_clerk, credit_manager
    """

    roles: Mapping[str, frozenset[Action]] = attrs.field(
        factory=lambda: dict(DEFAULT_ROLES), converter=_roles, kw_only=True
    )
    users: Mapping[str, tuple[str, ...]] = attrs.field(
        factory=dict, converter=_users, kw_only=True, validator=_check_users
    )

    def roles_of(self, user: str) -> tuple[str, ...]:
        """The roles of ``user`` (empty for an unknown user).

        >>> RoleTable(users={"ana": ["auditor"]}).roles_of("ana")
        ('auditor',)
        """
        return self.users.get(user, ())

    def allows(self, user: str, action: Action, *, customer_id: str) -> bool:
        """Whether any of the user's roles may take ``action`` (for any customer).

        >>> RoleTable(users={"ana": ["auditor"]}).allows("ana", Action.VIEW, customer_id="C1")
        True
        """
        return any(action in self.roles.get(role, frozenset()) for role in self.roles_of(user))
