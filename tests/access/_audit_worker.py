"""A writer process for the multi-process audit test (imported by name in ``spawn`` children)."""

from __future__ import annotations

import traceback


def append_many(url: str, worker: int, count: int, barrier, results) -> None:
    """Append ``count`` entries, one transaction each, after all writers are ready; report to ``results``."""
    try:
        from hogo.access import audit
        from hogo.db import make_engine, session_factory, unit_of_work

        engine = make_engine(url)
        factory = session_factory(engine)
        try:
            barrier.wait(timeout=60)
            for i in range(count):
                with unit_of_work(factory) as session:
                    audit.append(session, action="test.write", allowed=True, actor_id=f"p{worker}",
                                 detail={"i": i})
        finally:
            engine.dispose()
        results.put((worker, None))
    except BaseException:  # report everything: the parent turns it into a test failure
        results.put((worker, traceback.format_exc()))
