"""Look and feel shared by the widgets: theme colours, section colours, icons, the stylesheet.

Not a widget: a small helper the widgets read from. Assets (SVG icons, `style.qss`,
`palettes.toml`) are package data; they are read once and cached.
"""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QLabel,
    QProxyStyle,
    QStyle,
    QStyleFactory,
    QWidget,
)

from voicecoach.domain import SectionName

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
SECTION_COLORS: dict[str, str] = {
    "situation": "#0072B2",  # blue
    "task": "#E69F00",  # orange
    "action": "#009E73",  # bluish green
    "result": "#CC79A7",  # reddish purple
}
SECTION_LABELS: dict[str, str] = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
}


def section_color(name: SectionName | str | None) -> QColor:
    return QColor(SECTION_COLORS.get(name or "", "#8A8F98"))


def section_tint(name: SectionName | str | None, base: QColor, strength: float = 0.14) -> QColor:
    """A soft background for `name`: its colour mixed into `base` (the page colour)."""
    c = section_color(name)
    k = strength

    def mix(a: int, b: int) -> int:
        return round(a * (1 - k) + b * k)

    return QColor(
        mix(base.red(), c.red()), mix(base.green(), c.green()), mix(base.blue(), c.blue())
    )


def _assets_dir() -> Path:
    try:
        p = Path(str(resources.files("voicecoach.assets")))
        if p.is_dir():
            return p
    except ModuleNotFoundError:
        pass
    # Editable install / source checkout: assets/ sits beside the package.
    return Path(__file__).resolve().parents[2] / "assets"


def asset_path(name: str) -> Path:
    return _assets_dir() / name


def sort_arrow_follows_order(header: QHeaderView) -> None:
    """Point a table header's sort arrow the way its rows run: down when the largest (the
    newest) comes first. Left to Fusion, a descending sort shows an upward arrow, which reads
    as oldest first."""
    down = asset_path("chevron-down.svg").as_posix()
    up = asset_path("chevron-up.svg").as_posix()
    size = "width: 12px; height: 12px; subcontrol-position: center right; right: 4px;"
    # in a style sheet, ::down-arrow is the descending sort's arrow
    header.setStyleSheet(
        f"QHeaderView::down-arrow {{ image: url({down}); {size} }}"
        f"QHeaderView::up-arrow {{ image: url({up}); {size} }}"
    )


@dataclass(frozen=True)
class Theme:
    name: str  # "light" | "dark"
    colors: dict[str, str]

    def color(self, key: str) -> QColor:
        return QColor(self.colors[key])

    @property
    def dark(self) -> bool:
        return self.name == "dark"


@cache
def _palettes() -> dict[str, dict[str, str]]:
    return tomllib.loads(asset_path("palettes.toml").read_text(encoding="utf-8"))


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if hints is not None else Qt.ColorScheme.Unknown
    if scheme != Qt.ColorScheme.Unknown:
        return scheme == Qt.ColorScheme.Dark
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def resolve_theme(choice: str) -> Theme:
    """'system' follows the desktop's colour scheme; 'light'/'dark' force one."""
    name = choice if choice in ("light", "dark") else ("dark" if system_is_dark() else "light")
    return Theme(name, dict(_palettes()[name]))


_current: Theme | None = None
_choice = "system"


def current_theme() -> Theme:
    global _current
    if _current is None:
        _current = resolve_theme("system")
    return _current


class _CheckEdgeStyle(QProxyStyle):
    """Fusion, with check boxes that keep a visible edge: Fusion draws it a shade darker than
    the window, which vanishes on the dark theme's surfaces (unticked topics could not be
    seen). Given to the widgets with check boxes only, not to the whole app: a Python
    drawPrimitive is called for every primitive painted, which made a full repaint of the
    review and History about 5 ms (a quarter) slower."""

    _CHECKS = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck,
    )

    def drawPrimitive(self, pe, opt, p, w=None) -> None:  # noqa: N802 (Qt's name)
        super().drawPrimitive(pe, opt, p, w)
        if pe not in self._CHECKS:
            return
        color = QColor(current_theme().color("muted"))
        if not opt.state & QStyle.StateFlag.State_Enabled:
            color.setAlphaF(0.55)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(color, 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        # on the pixels of Fusion's own edge (it draws at +0.5 on a rect one pixel smaller)
        p.drawRect(QRectF(opt.rect).adjusted(0.5, 0.5, -0.5, -0.5))
        p.restore()


_check_edge_style: _CheckEdgeStyle | None = None


def keep_check_edges(*widgets: QWidget) -> None:
    """Draw the check boxes of `widgets` (check boxes, or views with checkable items) with an
    edge that shows on either theme."""
    global _check_edge_style
    if _check_edge_style is None:
        _check_edge_style = _CheckEdgeStyle(QStyleFactory.create("Fusion"))
        _check_edge_style.setParent(QApplication.instance())  # lives as long as the app
    for w in widgets:
        w.setStyle(_check_edge_style)


def apply_theme(app: QApplication, choice: str = "system") -> Theme:
    """Fusion style, a palette and the small stylesheet for the chosen theme."""
    global _current, _choice
    _choice = choice
    theme = resolve_theme(choice)
    if app.property("voicecoachTheme") == theme.name and _current == theme:
        return theme  # re-polishing every widget again is slow and changes nothing
    _current = theme
    app.setProperty("voicecoachTheme", theme.name)
    app.setStyle("Fusion")
    c = theme.color
    pal = QPalette()
    roles = {
        QPalette.ColorRole.Window: c("window"),
        QPalette.ColorRole.WindowText: c("text"),
        QPalette.ColorRole.Base: c("surface"),
        QPalette.ColorRole.AlternateBase: c("surface_alt"),
        QPalette.ColorRole.Text: c("text"),
        QPalette.ColorRole.Button: c("surface"),
        QPalette.ColorRole.ButtonText: c("text"),
        QPalette.ColorRole.ToolTipBase: c("surface"),
        QPalette.ColorRole.ToolTipText: c("text"),
        QPalette.ColorRole.PlaceholderText: c("muted"),
        QPalette.ColorRole.Highlight: c("accent"),
        QPalette.ColorRole.HighlightedText: c("accent_text"),
        QPalette.ColorRole.Link: c("accent"),
        QPalette.ColorRole.Mid: c("border"),
        QPalette.ColorRole.Midlight: c("surface_alt"),
    }
    for role, color in roles.items():
        pal.setColor(role, color)
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, c("muted"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, c("muted"))
    pal.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, c("muted"))
    app.setPalette(pal)
    qss = string.Template(asset_path("style.qss").read_text(encoding="utf-8"))
    app.setStyleSheet(qss.safe_substitute(theme.colors, assets=_assets_dir().as_posix()))
    font = app.font()
    if font.pointSizeF() < 10:
        font.setPointSizeF(10)
        app.setFont(font)
    _icon_cache.clear()
    return theme


_icon_cache: dict[tuple[str, str, int], QIcon] = {}


def icon(name: str, color: str | QColor | None = None, size: int = 24) -> QIcon:
    """An SVG from assets/ (icon-<name>.svg) drawn in `color` (default: the theme's text)."""
    hex_color = QColor(color).name() if color is not None else current_theme().colors["text"]
    key = (name, hex_color, size)
    if key in _icon_cache:
        return _icon_cache[key]
    path = asset_path(f"icon-{name}.svg")
    if not path.exists():
        return QIcon()
    svg = path.read_text(encoding="utf-8").replace("currentColor", hex_color)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    ic = QIcon()
    for scale in (1, 2):
        pm = QPixmap(size * scale, size * scale)
        pm.fill(Qt.GlobalColor.transparent)
        p = QPainter(pm)
        renderer.render(p, QRectF(0, 0, size * scale, size * scale))
        p.end()
        pm.setDevicePixelRatio(scale)
        ic.addPixmap(pm)
    _icon_cache[key] = ic
    return ic


def theme_choice() -> str:
    """What the user chose: "system", "light" or "dark" (the last `apply_theme` call)."""
    return _choice


ICON_PROPERTY = "voicecoachIcon"


def set_icon(widget, name: str, color_key: str = "text", size: int = 18) -> None:
    """Give a button (or a label) an icon drawn in a theme colour; `retheme` redraws it."""
    widget.setProperty(ICON_PROPERTY, f"{name}|{color_key}|{size}")
    _draw_icon(widget)


def _draw_icon(widget) -> None:
    name, key, size = str(widget.property(ICON_PROPERTY)).split("|")
    ic = icon(name, current_theme().colors[key], int(size))
    if isinstance(widget, QLabel):
        widget.setPixmap(ic.pixmap(int(size), int(size)))
    else:
        widget.setIcon(ic)


def retheme(root: QWidget) -> None:
    """After `apply_theme`: redraw icons, let widgets with a `retheme()` method redo their own
    colours (rich text, item colours, rebuilt documents) and repaint the painted widgets."""
    widgets = [root, *root.findChildren(QWidget)]
    for w in widgets:
        if w.property(ICON_PROPERTY):
            _draw_icon(w)
    for w in widgets:
        fn = getattr(w, "retheme", None)
        if callable(fn) and w is not root:
            fn()
    for w in widgets:
        w.update()


def set_role(widget, role: str) -> None:
    """Set a QSS role property (title, muted, good, bad ...) and re-polish."""
    widget.setProperty("role", role)
    st = widget.style()
    st.unpolish(widget)
    st.polish(widget)
