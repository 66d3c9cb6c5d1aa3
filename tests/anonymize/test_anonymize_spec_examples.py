"""The example specs in examples/anonymize load and declare the kind their name says."""

from pathlib import Path

import pytest

from hogo.anonymize.spec import load_spec

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "anonymize"


@pytest.mark.parametrize("name, kind", [("loan_customers.anonymize.yaml", "anonymize"),
                                        ("loan_customers.pseudonymize.yaml", "pseudonymize")])
def test_example_spec_loads(name, kind):
    loaded = load_spec(EXAMPLES / name)
    assert str(loaded.spec.kind) == kind
    assert loaded.spec.columns.financial_harm  # card numbers are declared, so they are deleted, not kept
