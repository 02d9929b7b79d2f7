"""Naturkapital QGIS plugin: a Processing provider generated from the model specs.

QGIS imports this package and calls :func:`classFactory`; ``qgis_process`` then calls
``initProcessing`` (metadata ``hasProcessingProvider=yes``), the desktop ``initGui``.
"""


def classFactory(iface):  # noqa: N802  (QGIS's name)
    from .plugin import NaturkapitalPlugin

    return NaturkapitalPlugin(iface)
