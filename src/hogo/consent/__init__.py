"""Consent: what each person agreed to (documents and versions), withdrawals, opt-outs and guardian consent.

The room records consent events and opt-outs as insert-only rows and answers the access engine's
question "does this person's consent cover this purpose?" (:class:`hogo.consent.service.Consents` is a
:class:`hogo.access.service.ConsentSource`).
"""

from hogo.consent.service import ConsentDenied, ConsentError, Consents, ConsentState, DocumentConsent

__all__ = ["ConsentDenied", "ConsentError", "ConsentState", "Consents", "DocumentConsent"]
