"""Helpers the tests share (imported as a top-level module: pytest puts tests/ on sys.path for conftest)."""

from pathlib import Path

from hogo.access.service import ConsentView

MINIMAL = Path(__file__).resolve().parent / "fixtures" / "minimal.yaml"


class ConsentFor:
    """A consent source with consent for the listed purposes only (stands in for the consent room)."""

    def __init__(self, *purposes: str):
        self.purposes = set(purposes)

    def has_consent(self, session, subject_id, purpose_id):
        return purpose_id in self.purposes

    def view(self, session, subject_id):
        return ConsentView()
