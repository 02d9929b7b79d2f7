"""Multifunctional land consolidation (multifunktionel jordfordeling): a swap plan that
gives the project one coherent area and leaves every owner whole."""
