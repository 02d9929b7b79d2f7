"""Flood mitigation: water retained in the soil by rewetting, m³.

volume = rewetted area (m²) × water-table rise (m) × drainable porosity (fraction).
The rise is from the water table before (GVSmax, cm, negative below the surface) to
the target after rewetting (``target_water_table_cm`` of the Klimaskovfonden rules
table, −12.5 cm), never negative. The baseline retains no new water (0).
"""

from __future__ import annotations

import numpy as np


def water_table_rise_m(gvsmax_before_cm: float | np.ndarray, target_cm: float
                       ) -> float | np.ndarray:
    """Rise of the water table in metres: max(0, target − before) / 100."""
    return np.maximum(0.0, target_cm - np.asarray(gvsmax_before_cm, dtype=float)) / 100.0


def retention_m3(area_ha: float | np.ndarray, rise_m: float | np.ndarray,
                 porosity: float) -> float | np.ndarray:
    """m³ of water stored: area (ha × 10 000 m²) × rise (m) × drainable porosity."""
    return np.asarray(area_ha, dtype=float) * 10_000.0 * rise_m * porosity
