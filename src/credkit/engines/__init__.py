"""Optional engines for portfolio analytics: scale-out on a Dask cluster.

* :func:`age_on_dask`, :func:`kpis_on_dask` (and payment behaviour, see
  :mod:`credkit.engines.dask`): aging, period KPIs and payment behaviour of a list of
  files or a Dask DataFrame, computed per partition on a Dask cluster by the pure
  functions and merged exactly into the result one process gives.

Dask is an optional dependency (the ``dask`` extra): importing this package does not
import it; the functions do, when called.

>>> from credkit.engines import age_on_dask
>>> age_on_dask.__module__
'credkit.engines.dask'
"""

from credkit.engines.dask import age_on_dask, behaviour_on_dask, kpis_on_dask

__all__ = ["age_on_dask", "behaviour_on_dask", "kpis_on_dask"]
