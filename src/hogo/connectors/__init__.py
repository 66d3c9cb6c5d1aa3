"""External SQL databases a data-subject request must reach (declared under ``connectors:`` in hogo.yaml)."""

from hogo.connectors.service import ConnectorError, ConnectorRows, Connectors, ErasureCount, expand_url

__all__ = ["ConnectorError", "ConnectorRows", "Connectors", "ErasureCount", "expand_url"]
