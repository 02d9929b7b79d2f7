"""Ecosystem services per zone: carbon stock, greenhouse gases from organic soils,
nitrogen, groundwater protection, flood mitigation and biodiversity (NKI).

One module per service; every coefficient comes from a table in ``services/tables/``
with a ``source`` column (see :mod:`naturkapital.services.tables`).
"""
