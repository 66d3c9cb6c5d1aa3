"""hogo — the APPI and the My Number Act, made operational."""

__version__ = "0.1.0"


def open(policy, database_url=None, **kwargs):  # noqa: A001 - the SDK's entry point is hogo.open
    """Open a company's hogo (program, database, keys); see :func:`hogo.sdk.open_hogo`."""
    from hogo.sdk import open_hogo

    return open_hogo(policy, database_url, **kwargs)
