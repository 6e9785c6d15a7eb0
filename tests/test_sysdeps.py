"""The system-library check: missing libraries named as Debian packages in one apt-get line.

A fresh machine is simulated with a fake `ldd` / `ldconfig` first on PATH, so these run the
real script and the real app start-up without uninstalling anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from voicecoach.sysdeps import QT_XCB_LIBS, package_for, parse_ldd

ROOT = Path(__file__).resolve().parents[1]

# `ldd libqxcb.so` on Debian 12 without libxcb-icccm4 and libxcb-keysyms1 (trimmed).
LDD_FRESH = """\
\tlinux-vdso.so.1 (0x00007fd89c911000)
\tlibQt6XcbQpa.so.6 => /x/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007fd89c000000)
\tlibGL.so.1 => /lib/x86_64-linux-gnu/libGL.so.1 (0x00007fd89c7b2000)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007fd89c758000)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-util.so.1 => /lib/x86_64-linux-gnu/libxcb-util.so.1 (0x00007fd89c750000)
\tlibxcb-keysyms.so.1 => not found
\tlibxkbcommon-x11.so.0 => not found
\tlibGLdispatch.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007fd89c913000)
"""
INSTALL_LINE = "sudo apt-get install -y libxcb-icccm4 libxcb-keysyms1"


def _fake_tools(tmp_path: Path, *, ldd: str | None = None, ldconfig: str | None = None) -> dict:
    """An environment whose PATH starts with fake ldd/ldconfig printing the given text."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("ldd", ldd), ("ldconfig", ldconfig)):
        if text is not None:
            (bin_dir / f"{name}.out").write_text(text)
            exe = bin_dir / name
            exe.write_text(f"#!/bin/sh\ncat '{bin_dir / name}.out'\n")
            exe.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}"
    return env


def _ldconfig_without(*missing: str) -> str:
    """`ldconfig -p` output listing every library checked except `missing`."""
    names = [*QT_XCB_LIBS, "libportaudio.so.2", "libsndfile.so.1", "libespeak-ng.so.1"]
    lines = [f"{len(names)} libs found in cache `/etc/ld.so.cache'"]
    lines += [f"\t{n} (libc6,x86-64) => /lib/{n}" for n in names if n not in missing]
    return "\n".join(lines) + "\n"


def test_ldd_not_found_lines_map_to_debian_packages():
    """Each "not found" line of ldd becomes its Debian 12 package, once, in order."""
    missing = parse_ldd(LDD_FRESH)
    assert missing == [
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxkbcommon-x11.so.0",
        "libGLdispatch.so.0",
    ]
    assert [package_for(s) for s in missing] == [
        "libxcb-icccm4",
        "libxcb-keysyms1",
        "libxkbcommon-x11-0",
        "libglvnd0",
    ]
    # Libraries outside the tables follow Debian's soname rule.
    assert package_for("libxcb-xinput.so.0") == "libxcb-xinput0"
    assert package_for("libpcre2-8.so.0") == "libpcre2-8-0"
    assert package_for("libglib-2.0.so.0") == "libglib2.0-0"


def test_check_uses_ldd_on_the_installed_qt_plugin(tmp_path):
    """With PySide6 installed, `--qt xcb` asks ldd about libqxcb.so and prints the apt line."""
    plugins = tmp_path / "venv/lib/python3.11/site-packages/PySide6/Qt/plugins/platforms"
    plugins.mkdir(parents=True)
    (plugins / "libqxcb.so").write_bytes(b"")
    ldd = "\tlibxcb-icccm.so.4 => not found\n\tlibxcb-keysyms.so.1 => not found\n"
    env = _fake_tools(tmp_path, ldd=ldd, ldconfig=_ldconfig_without())
    r = subprocess.run(
        [str(ROOT / "tools/check-system-deps"), "--qt", "xcb", "--venv", str(tmp_path / "venv")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1].strip() == INSTALL_LINE


def test_check_before_the_venv_exists_uses_the_debian_list(tmp_path):
    """On a fresh clone (no PySide6 yet) the known Qt xcb libraries are looked up in ldconfig."""
    env = _fake_tools(
        tmp_path, ldconfig=_ldconfig_without("libxcb-icccm.so.4", "libxcb-keysyms.so.1")
    )
    cmd = [str(ROOT / "tools/check-system-deps"), "--qt", "xcb", "--venv", str(tmp_path / "none")]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 1
    assert r.stderr.splitlines()[-1].strip() == INSTALL_LINE
    # ...and with everything present it passes quietly.
    ok = _fake_tools(tmp_path / "ok", ldconfig=_ldconfig_without())
    r = subprocess.run(cmd, capture_output=True, text=True, env=ok, timeout=60)
    assert (r.returncode, r.stderr) == (0, "")


def test_app_prints_the_install_line_instead_of_qt_aborting(tmp_path):
    """`voicecoach` on X11 with a missing xcb library exits with the apt line, not Qt's abort."""
    env = _fake_tools(tmp_path, ldd="\tlibxcb-icccm.so.4 => not found\n")
    env["QT_QPA_PLATFORM"] = "xcb"
    env["VOICECOACH_DATA_DIR"] = str(tmp_path / "data")
    env.pop("DISPLAY", None)
    r = subprocess.run(
        [sys.executable, "-m", "voicecoach.cli"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=ROOT,
    )
    assert r.returncode == 1, r.stderr
    assert "sudo apt-get install -y libxcb-icccm4" in r.stderr
    assert "Aborted" not in r.stderr and "could not" not in r.stderr.lower()


def test_readme_apt_line_lists_every_package_checked():
    """The README's install line holds every package the check can ask for."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("sudo apt-get install -y")
    line = readme[start : readme.index("\n\n", start)].replace("\\\n", " ")
    listed = set(line.split()[3:])
    checked = {package_for(s) for s in QT_XCB_LIBS} | {"libportaudio2", "libsndfile1", "espeak-ng"}
    assert checked <= listed, sorted(checked - listed)
