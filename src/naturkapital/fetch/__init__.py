"""Fetching the national maps a real project needs (``naturkapital data``).

The catalogue (:mod:`naturkapital.fetch.catalogue`, ``sources.csv``) lists each source
with its publisher, licence, service, endpoint, layer, CRS, units, what it feeds,
token and verification status. :mod:`naturkapital.fetch.get` fetches a source for a
municipality or a box into a local cache (clipped, EPSG:25832, manifest with sha256);
:mod:`naturkapital.fetch.http` is the only code in Naturkapital that opens sockets, and
only when the user allowed network access.
"""
