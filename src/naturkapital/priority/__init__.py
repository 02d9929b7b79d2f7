"""Where to act: planning units, conversion costs and least-cost allocation to area targets."""
