"""Engines run part tasks (pipeline.parts.write_part) and yield their summaries as they finish.

``local`` forks worker processes on this machine; ``dask`` runs the tasks on a Dask cluster.
Either way the tasks write the parts themselves, so an engine only moves small summaries.
"""

ENGINES = ("local", "dask")


class EngineError(Exception):
    """The engine cannot run or finish the tasks (Dask missing, the cluster gone): one line saying why."""
