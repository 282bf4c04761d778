"""Test helpers for credkit and for applications that embed it.

:mod:`credkit.testing.strategies` has hypothesis strategies for credkit's domain
values (money, customers, documents, whole consistent ledgers). It needs the
``test`` extra (``hypothesis``); nothing else in credkit imports this package.

>>> from hypothesis import find
>>> from credkit.testing.strategies import money
>>> find(money("EUR"), lambda m: m.amount >= 100)
Money('100.00', 'EUR')
"""

__all__: list[str] = []
