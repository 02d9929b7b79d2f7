"""The plugin object: registers the Processing provider."""

from __future__ import annotations

from qgis.core import Qgis, QgsApplication

from .provider import NaturkapitalProvider


class NaturkapitalPlugin:
    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider: NaturkapitalProvider | None = None

    def initProcessing(self) -> None:  # noqa: N802
        if self.provider is None:
            self.provider = NaturkapitalProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self.initProcessing()
        if self.iface is not None and self.provider is not None and self.provider.problem:
            self.iface.messageBar().pushMessage(
                "Naturkapital", self.provider.problem, level=Qgis.Critical, duration=0
            )

    def unload(self) -> None:
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
