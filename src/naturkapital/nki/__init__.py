"""The Natural Capital Index: zonal areas, the index, ranking, groups and change."""
