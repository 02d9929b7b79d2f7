"""The Processing provider: one algorithm per model of ``naturkapital spec --json``."""

from __future__ import annotations

from qgis.core import Qgis, QgsMessageLog, QgsProcessingProvider

from . import bridge
from .algorithm import NaturkapitalAlgorithm

SETTING = "NATURKAPITAL_EXE"


def _setting() -> str | None:
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
    except ImportError:  # the Processing plugin is not loaded
        return None
    return ProcessingConfig.getSetting(SETTING) or None


class NaturkapitalProvider(QgsProcessingProvider):
    def __init__(self) -> None:
        super().__init__()
        #: Why no algorithm could be made (shown in the message bar and the log).
        self.problem: str | None = None
        self.warning: str | None = None

    def id(self) -> str:
        return "naturkapital"

    def name(self) -> str:
        return "Naturkapital"

    def longName(self) -> str:  # noqa: N802
        return "Naturkapital (naturkapitalindeks, lavbund, scenarier / NKI, lowland, scenarios)"

    def load(self) -> bool:
        try:
            from processing.core.ProcessingConfig import ProcessingConfig, Setting

            ProcessingConfig.settingIcons[self.name()] = self.icon()
            ProcessingConfig.addSetting(
                Setting(
                    self.name(),
                    SETTING,
                    "Naturkapital-program / naturkapital program (blank: NATURKAPITAL_EXE or PATH)",
                    "",
                    valuetype=Setting.FILE,
                )
            )
            ProcessingConfig.readSettings()
        except ImportError:
            pass
        self.refreshAlgorithms()
        return True

    def unload(self) -> None:
        try:
            from processing.core.ProcessingConfig import ProcessingConfig

            ProcessingConfig.removeSetting(SETTING)
        except ImportError:
            pass

    def loadAlgorithms(self) -> None:  # noqa: N802
        self.problem = self.warning = None
        try:
            exe = bridge.find_exe(_setting())
            doc = bridge.load_specs(exe)
        except bridge.BridgeError as exc:
            self.problem = str(exc)
            QgsMessageLog.logMessage(self.problem, "Naturkapital", Qgis.Critical)
            return
        self.warning = bridge.version_warning(doc)
        if self.warning:
            QgsMessageLog.logMessage(self.warning, "Naturkapital", Qgis.Warning)
        for model in doc["models"]:
            self.addAlgorithm(NaturkapitalAlgorithm(model, exe, self.warning))
