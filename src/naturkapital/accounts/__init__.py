"""Natural capital accounts in the UN SEEA Ecosystem Accounting format: ecosystem
typology, extent accounts with the change matrix, condition accounts."""
