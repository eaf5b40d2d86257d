"""Progress of a refresh in the terminal: steps done out of all, the step running and its latest report
(rows read, rows validated, with rates). Fed by the `progress` Dagster logger, which does nothing unless
`regind refresh` turns it on; the UI shows the same reports in its run log."""

import logging
import time

import dagster as dg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_display: "ProgressDisplay | None" = None
DONE = {"STEP_SUCCESS": "done", "STEP_FAILURE": "FAILED", "STEP_SKIPPED": "skipped"}


class ProgressDisplay:
    def __init__(self, console: Console, total_steps: int, show_log: bool = False):
        self.console = console
        self.live = console.is_terminal and not show_log
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[report]}"),
            console=console,
            transient=False,
        )
        self.task = self.progress.add_task("refresh", total=total_steps, report="")
        self.started = time.perf_counter()
        self.show_log = show_log
        self.step_started_at: dict[str, float] = {}
        self.step_seconds: dict[str, float] = {}  # each finished step's wall time: the refresh's profile

    @property
    def elapsed(self) -> str:
        return f"in {time.perf_counter() - self.started:.1f} s"

    def __enter__(self) -> "ProgressDisplay":
        global _display
        _display = self
        if self.live:
            self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        global _display
        _display = None
        if self.live:
            self.progress.stop()

    def step_started(self, step: str) -> None:
        self.step_started_at[step] = time.perf_counter()
        self.progress.update(self.task, description=step, report="")

    def step_ended(self, step: str, outcome: str) -> None:
        self.progress.advance(self.task)
        if step in self.step_started_at:
            self.step_seconds[step] = time.perf_counter() - self.step_started_at[step]
        if not self.live and not self.show_log:
            done = int(self.progress.tasks[0].completed)
            took = f" in {self.step_seconds[step]:.1f} s" if step in self.step_seconds else ""
            self.console.print(
                f"[{done}/{int(self.progress.tasks[0].total)}] {step}: {outcome}{took}", highlight=False, soft_wrap=True
            )

    def report(self, step: str, message: str) -> None:
        self.progress.update(self.task, report=message[:110])
        if not self.live and not self.show_log:
            # one line each, however long its paths: a log piped to a file or a grep keeps them whole
            self.console.print(f"      {message}", highlight=False, soft_wrap=True)


class _ToDisplay(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if _display is None:
            return
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        step = meta.get("step_key") or ""
        if event is not None:
            kind = event.event_type_value
            if kind == "STEP_START":
                _display.step_started(step)
            elif kind in DONE:
                _display.step_ended(step, DONE[kind])
        elif record.levelno >= logging.INFO:
            _display.report(step, str(meta.get("orig_message") or record.getMessage()))


@dg.logger(
    config_schema={
        "enabled": dg.Field(bool, default_value=False, description="feed `regind refresh`'s progress display")
    },
    description="Progress of a refresh for the terminal (`regind refresh`); silent unless enabled.",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.Logger("regind.progress", level=logging.DEBUG)
    if init_context.logger_config["enabled"]:
        logger.addHandler(_ToDisplay())
    return logger
