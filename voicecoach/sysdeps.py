"""Which Linux system packages are missing, and the exact `apt-get install` line for them.

Qt aborts with "no Qt platform plugin could be initialized" when a library its platform plugin
needs is missing, without saying which. So before Qt starts we ask `ldd` what the plugin
(PySide6's `libqxcb.so`) cannot find and map each missing library to its Debian package. Before
PySide6 is installed (a fresh clone), a known list for Debian 12 is checked instead.

Standard library only: `tools/check-system-deps` runs this file with the system python3 before
the venv exists, and `voicecoach` (the GUI) calls `qt_platform_problem()` before it imports Qt.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

# Libraries VoiceCoach itself loads (PortAudio, libsndfile, espeak-ng for pyttsx3).
BASE_LIBS: dict[str, str] = {
    "libportaudio.so.2": "libportaudio2",
    "libsndfile.so.1": "libsndfile1",
    "libespeak-ng.so.1": "espeak-ng",
}

# What `ldd` reports for PySide6 6.6-6.11's platform plugins (with the Qt libraries they pull
# in) on Debian 12, minus what every Debian system has (libc, libstdc++, zlib, ...). Checked when
# the plugin is not installed yet; once it is, `ldd` on the plugin is the authority.
# libqoffscreen.so (the tests) needs what QtGui needs:
QT_GUI_LIBS: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11.so.6": "libx11-6",
    "libxcb.so.1": "libxcb1",
}
# libqxcb.so (X11 desktops, Xvfb) needs those and:
QT_XCB_LIBS: dict[str, str] = {
    **QT_GUI_LIBS,
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
}

# Libraries whose Debian package name does not follow the soname rule in `package_for`.
_PACKAGE_EXCEPTIONS: dict[str, str] = {
    "libGLdispatch.so.0": "libglvnd0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libbrotlidec.so.1": "libbrotli1",
    "libbrotlicommon.so.1": "libbrotli1",
    "libz.so.1": "zlib1g",
    "libgcc_s.so.1": "libgcc-s1",
    "libstdc++.so.6": "libstdc++6",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
}

# Platforms that draw into memory and need no display libraries beyond Qt's own.
HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found\s*$")
_SONAME = re.compile(r"^(lib.+?)\.so\.(\d+)")


def package_for(soname: str) -> str:
    """The Debian package that ships `soname` (e.g. libxcb-icccm.so.4 -> libxcb-icccm4).

    Known libraries come from the tables; others follow Debian's library packaging rule: the
    lower-cased name plus the soname version, with a dash when the name ends in a digit.
    """
    known = {**BASE_LIBS, **QT_XCB_LIBS, **_PACKAGE_EXCEPTIONS}
    if soname in known:
        return known[soname]
    m = _SONAME.match(soname)
    if not m:
        return soname
    name, version = m.group(1).lower(), m.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def parse_ldd(output: str) -> list[str]:
    """The libraries `ldd` output reports as "not found", once each, in order."""
    missing: list[str] = []
    for line in output.splitlines():
        m = _NOT_FOUND.match(line)
        if m and m.group(1) not in missing:
            missing.append(m.group(1))
    return missing


def ldd_missing(library: Path) -> list[str] | None:
    """Libraries `library` needs that the dynamic loader cannot find; None if ldd cannot tell."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        r = subprocess.run([ldd, str(library)], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    # ldd exits non-zero for "not a dynamic executable" but still lists "not found" lines.
    return parse_ldd(r.stdout)


def installed_sonames() -> set[str] | None:
    """Sonames in the dynamic loader's cache (`ldconfig -p`); None if it cannot be read."""
    for exe in (shutil.which("ldconfig"), "/sbin/ldconfig", "/usr/sbin/ldconfig"):
        if not exe or not os.access(exe, os.X_OK):
            continue
        try:
            r = subprocess.run([exe, "-p"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            continue
        if r.returncode == 0:
            return {line.split()[0] for line in r.stdout.splitlines()[1:] if line.strip()}
    return None


def missing_from_cache(sonames: Iterable[str]) -> list[str]:
    have = installed_sonames()
    if have is None:
        return []  # cannot tell: let the program report what fails
    return [s for s in sonames if s not in have]


def qt_plugin(platform: str = "xcb", venv: Path | None = None) -> Path | None:
    """PySide6's platform plugin file, in `venv` or (without one) in this interpreter."""
    name = f"libq{platform}.so"
    if venv is not None:
        pattern = f"lib/python3*/site-packages/PySide6/Qt/plugins/platforms/{name}"
        hits = sorted(Path(venv).glob(pattern))
        return hits[-1] if hits else None
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        p = Path(loc) / "Qt" / "plugins" / "platforms" / name
        if p.exists():
            return p
    return None


def qt_missing_packages(platform: str = "xcb", venv: Path | None = None) -> list[str]:
    """Debian packages Qt's `platform` plugin needs that are not installed."""
    plugin = qt_plugin(platform, venv)
    missing = ldd_missing(plugin) if plugin is not None else None
    if missing is None:
        known = {"xcb": QT_XCB_LIBS, "offscreen": QT_GUI_LIBS}.get(platform, {})
        missing = missing_from_cache(known)
    return _unique(package_for(s) for s in missing)


def install_line(packages: Iterable[str]) -> str:
    return "sudo apt-get install -y " + " ".join(packages)


def problem_message(packages: list[str], what: str = "VoiceCoach") -> str:
    return (
        f"{what} needs these system packages, which are missing: {' '.join(packages)}\n"
        f"Install them with:\n    {install_line(packages)}"
    )


def requested_platform(argv: list[str] | None = None) -> str:
    """The Qt platform plugin Qt will try first ("xcb" on an X11 desktop or under Xvfb)."""
    argv = argv or []
    for i, a in enumerate(argv[:-1]):
        if a in ("-platform", "--platform"):
            return argv[i + 1].split(":")[0]
    env = os.environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if env:
        return env
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def qt_platform_problem(argv: list[str] | None = None) -> str | None:
    """Why Qt's platform plugin would fail to load here, with the install line; else None.

    Only the xcb plugin is checked (what X11 desktops and Xvfb use, and what failed on fresh
    machines); headless platforms and other systems pass.
    """
    if not sys.platform.startswith("linux"):
        return None
    if requested_platform(argv) != "xcb":
        return None
    packages = qt_missing_packages("xcb")
    if not packages:
        return None
    return problem_message(packages)


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--venv", type=Path, help="the virtual environment holding PySide6")
    p.add_argument(
        "--qt",
        metavar="PLATFORM",
        choices=("xcb", "offscreen"),
        help="also check what this Qt platform plugin needs (xcb: the app's window)",
    )
    p.add_argument("--list", action="store_true", help="print every package checked, and exit")
    args = p.parse_args(argv)
    if args.list:
        print(" ".join(_unique([*BASE_LIBS.values(), *QT_XCB_LIBS.values()])))
        return 0
    packages = [package_for(s) for s in missing_from_cache(BASE_LIBS)]
    if args.qt:
        # A --venv that does not exist yet means "PySide6 not installed": use the known list.
        packages += qt_missing_packages(args.qt, args.venv)
    packages = _unique(packages)
    if packages:
        print(problem_message(packages), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
