"""Logging set up once at start-up, and a last-resort hook so no exception goes unseen.

paths = AppPaths.default().ensure()
configure_logging(paths.log_dir)
install_excepthook(show=main_window.show_error)   # after the QApplication exists
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from voicecoach.domain import VoiceCoachError

log = logging.getLogger(__name__)

LOG_FILE_NAME = "voicecoach.log"
_FORMAT = "%(asctime)s %(levelname)-7s [%(threadName)s] %(name)s: %(message)s"
_MAX_BYTES = 2_000_000
_BACKUPS = 3

_log_file: Path | None = None
_bridge: QObject | None = None  # keeps the Qt object that carries messages to the GUI thread alive


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in `log_dir` at `level`, and warnings and worse to stderr.

    Safe to call again (it replaces its own handlers). Returns the log file, or None when the
    folder cannot be written (then only stderr is used, and that is logged as a warning).
    """
    global _log_file
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_voicecoach", False)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    formatter = logging.Formatter(_FORMAT)

    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    _add(root, stderr, formatter)
    logging.captureWarnings(True)

    path = Path(log_dir) / LOG_FILE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = RotatingFileHandler(
            path, maxBytes=_MAX_BYTES, backupCount=_BACKUPS, encoding="utf-8"
        )
    except OSError as exc:
        _log_file = None
        log.warning("Cannot write a log file in %s (%s); logging to stderr only", log_dir, exc)
        return None
    file_handler.setLevel(level)
    _add(root, file_handler, formatter)
    _log_file = path
    log.info("Logging to %s", path)
    return path


def _add(root: logging.Logger, handler: logging.Handler, formatter: logging.Formatter) -> None:
    handler.setFormatter(formatter)
    handler._voicecoach = True  # type: ignore[attr-defined]
    root.addHandler(handler)


def user_message(error: BaseException) -> str:
    """What to tell the user: our own errors as written, anything else with a pointer to the log."""
    if isinstance(error, VoiceCoachError):
        return str(error)
    where = f" Details are in the log file {_log_file}." if _log_file else ""
    return f"Something went wrong: {type(error).__name__}: {error}.{where}"


def install_excepthook(show: Callable[[str], None] | None = None) -> None:
    """Log every uncaught exception (main thread and other threads) and pass a message to `show`.

    When a Qt application exists, `show` is always called on the GUI thread, whichever thread
    raised; call this from the GUI thread after creating the QApplication.
    """
    deliver = _gui_deliverer(show) if show is not None else None

    def report(
        exc_type: type[BaseException],
        exc: BaseException | None,
        tb: TracebackType | None,
        where: str,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc or exc_type(), tb)
            return
        log.critical("Uncaught exception in %s", where, exc_info=(exc_type, exc, tb))
        if deliver is not None:
            deliver(user_message(exc if exc is not None else exc_type()))

    def main_hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        report(exc_type, exc, tb, "the main thread")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        report(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    sys.excepthook = main_hook
    threading.excepthook = thread_hook


class _ShowBridge(QObject):
    """Carries a message from whichever thread raised to `show` on the GUI thread."""

    message = Signal(str)

    def __init__(self, show: Callable[[str], None]) -> None:
        super().__init__()
        self._show = show
        self.message.connect(self._on_message, Qt.ConnectionType.QueuedConnection)

    @Slot(str)
    def _on_message(self, text: str) -> None:
        self._show(text)


def _gui_deliverer(show: Callable[[str], None]) -> Callable[[str], None]:
    def safe_show(message: str) -> None:
        try:
            show(message)
        except Exception:  # never loop back into the hook
            log.exception("Could not show an error message to the user")

    app = QCoreApplication.instance()
    if app is None:  # headless: show directly
        return safe_show
    global _bridge
    _bridge = _ShowBridge(safe_show)
    _bridge.moveToThread(app.thread())
    return _bridge.message.emit
