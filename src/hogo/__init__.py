"""hogo — the APPI and the My Number Act, made operational."""
__version__ = "0.1.0"
