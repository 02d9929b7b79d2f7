"""Embedded open Danish datasets and a catalogue of them (see PROVENANCE.md)."""

from naturkapital.data.catalogue import CATALOGUE, Dataset, dataset_path

__all__ = ["CATALOGUE", "Dataset", "dataset_path"]
