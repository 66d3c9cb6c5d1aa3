"""Outsourcees (委託先, APPI Art. 25, 27(5)(i), 28; My Number Act Art. 10, 11): selection evaluations, contracts
and their clauses, re-outsourcing permissions, supervision records, and the data handed out until it is
returned or deleted with a certificate. The rules are in :mod:`hogo.law.outsourcing`."""
