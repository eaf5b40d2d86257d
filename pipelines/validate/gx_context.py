"""The Great Expectations context both engines validate in, and the Data Docs site it keeps.

An ephemeral context with no store on disk, unless a `DocsSite` is given: then its suites and results are kept in
the site's state folder, and every table's latest result is published to one Data Docs index, whichever process
validated it. Great Expectations is imported inside these functions (its import costs about 4 s), so importing this
module is cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


def gx_context(docs: "DocsSite | None"):
    """An ephemeral GX context; with a docs site, its suites and results are kept on disk so that the
    Data Docs index shows the latest result of every table, whichever process validated it."""
    import great_expectations as gx  # slow import (~4 s): only where validation runs
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()  # no temporary docs site left behind in /tmp
    stores = defaults.stores
    sites = {}
    if docs:
        for store, folder in (("expectations_store", "expectations"), ("validation_results_store", "validations")):
            stores[store]["store_backend"] = {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs.state_dir / folder),
                "suppress_store_backend_id": True,
            }
        sites["local_site"] = {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs.docs_dir)},
        }
    config = DataContextConfig(
        store_backend_defaults=defaults,
        stores=stores,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        data_docs_sites=sites,
    )
    return gx.get_context(mode="ephemeral", project_config=config)


@dataclass(frozen=True)
class DocsSite:
    docs_dir: Path  # the HTML
    state_dir: Path  # GX's stores behind it

    def publish(self, context, result, suite_name: str) -> None:
        """Keep `result` as its suite's only stored result and rebuild its pages and the index."""
        import fcntl
        import os
        from datetime import datetime, timezone

        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        run_id = RunIdentifier(run_time=datetime.now(timezone.utc))
        result.meta["run_id"] = run_id  # batch.validate() leaves these out
        result.meta["validation_time"] = run_id.run_time
        suite_id = ExpectationSuiteIdentifier(name=suite_name)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=suite_id, run_id=run_id, batch_identifier=result.batch_id
        )
        store = context.validation_results_store
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / ".lock", "w") as lock:  # the index is shared by every table's check
            fcntl.flock(lock, fcntl.LOCK_EX)
            for old in store.list_keys():
                if old.expectation_suite_identifier.name == suite_name:
                    store.remove_key(old)
            store.set(key, result)
            context.build_data_docs(resource_identifiers=[key, suite_id])
            for root in (self.state_dir, self.docs_dir):  # GX leaves the folders of removed results
                for folder, _, _ in sorted(os.walk(root), reverse=True):
                    if folder != str(root) and not os.listdir(folder):
                        os.rmdir(folder)
