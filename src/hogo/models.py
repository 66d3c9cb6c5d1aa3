"""Every room's tables, imported in one place so that migrations and tests see the whole schema."""


def load_all() -> None:
    import hogo.access.models  # noqa: F401
    import hogo.anonymize.models  # noqa: F401
    import hogo.consent.models  # noqa: F401
    import hogo.provision.bureau.models  # noqa: F401
    import hogo.provision.models  # noqa: F401
    import hogo.provision.outsourcing.models  # noqa: F401
    import hogo.requests.models  # noqa: F401
    import hogo.retention.models  # noqa: F401
    import hogo.vault.models  # noqa: F401
