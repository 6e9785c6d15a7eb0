"""LevelMeter: a slim input-level bar (RMS with a peak tick), in dBFS from -60 to 0."""

from __future__ import annotations

import math

from PySide6.QtCore import QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from voicecoach.ui.style import current_theme

FLOOR_DB = -60.0


def _norm(level: float) -> float:
    if level <= 1e-6:
        return 0.0
    db = 20 * math.log10(level)
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelMeter")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Input level")
        self._rms = 0.0
        self._peak = 0.0
        self._shown = 0.0

    def sizeHint(self) -> QSize:
        return QSize(240, 8)

    def set_level(self, rms: float, peak: float | None = None) -> None:
        """Levels as fractions of full scale (0..1). The bar falls back gently."""
        target = _norm(rms)
        self._shown = target if target > self._shown else self._shown * 0.8 + target * 0.2
        self._rms = rms
        self._peak = peak if peak is not None else rms
        self.update()

    def fraction(self) -> float:
        return self._shown

    def paintEvent(self, _e) -> None:  # noqa: N802
        theme = current_theme()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(0, 0, self.width(), self.height())
        p.setPen(theme.color("border"))
        p.setBrush(theme.color("surface_alt"))
        radius = self.height() / 2
        p.drawRoundedRect(r, radius, radius)
        w = self.width() * self._shown
        if w > 1:
            clipping = self._peak >= 0.98
            p.setPen(theme.color("bad") if clipping else theme.color("good"))
            p.setBrush(theme.color("bad") if clipping else theme.color("good"))
            p.drawRoundedRect(QRectF(0, 0, w, self.height()), radius, radius)
        pk = self.width() * _norm(self._peak)
        if pk > 2:
            p.fillRect(QRectF(pk - 1.5, 0, 2, self.height()), theme.color("text"))
        p.end()
