"""The .deb IT staff install: its name, control fields, files, conffiles and maintainer scripts,
and that its Depends bring every system library the bundled Qt and Python load."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pos import __version__
from tests.packaging.deb_build import ROOT, libs

pytestmark = pytest.mark.packaging  # make test-fast leaves the kiosk package out


def _field(deb_path: Path, name: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", str(deb_path), name], capture_output=True, text=True, check=True
    ).stdout.strip()


@functools.cache
def _files(deb_path: Path) -> dict[str, str]:
    """Path in the package -> the mode and owner column of dpkg-deb -c."""
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(deb_path)], capture_output=True, text=True, check=True
    ).stdout
    files = {}
    for line in listing.splitlines():
        parts = line.split(None, 5)
        path = parts[5].split(" -> ")[0].removeprefix(".")
        files[path.rstrip("/") or "/"] = f"{parts[0]} {parts[1]}"
    return files


@pytest.fixture(scope="module")
def control(deb, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("control") / "DEBIAN"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(folder)], check=True)
    return folder


def test_the_package_is_named_for_its_version_and_architecture(deb):
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert deb.name == f"booth-pos_{__version__}_{arch}.deb"
    assert _field(deb, "Package") == "booth-pos"
    assert _field(deb, "Version") == __version__
    assert _field(deb, "Architecture") == arch
    assert int(_field(deb, "Installed-Size")) > 10_000  # KiB


def test_it_depends_on_the_fonts_the_compositor_and_the_qt_system_libraries(deb):
    depends = libs.depends_of(_field(deb, "Depends"))
    for package in (
        "fonts-noto-cjk", "cage", "xwayland", "libxkbcommon0", "libegl1", "libgl1", "libfontconfig1",
        "libdbus-1-3", "libwayland-client0", "libwayland-cursor0", "libwayland-egl1",
        "libxcb-cursor0", "libusb-1.0-0",
    ):  # fmt: skip
        assert package in depends


def test_every_system_library_the_bundle_loads_comes_with_depends(deb, bundle):
    missing = libs.uncovered(bundle, _field(deb, "Depends"))
    assert missing == [], "add their packages to packaging/debian/control.in"


def test_it_installs_the_bundle_the_command_the_units_and_the_rules(deb):
    files = _files(deb)
    for path in (
        "/opt/booth-pos/booth-pos",
        "/opt/booth-pos/_internal/assets/i18n/booth_pos_zh_CN.qm",
        "/opt/booth-pos/_internal/assets/i18n/booth_pos_en.qm",
        "/opt/booth-pos/_internal/PySide6/Qt/translations/qtbase_zh_CN.qm",
        "/opt/booth-pos/_internal/PySide6/Qt/plugins/platforms/libqwayland.so",
        "/opt/booth-pos/_internal/PySide6/Qt/plugins/platforms/libqxcb.so",
        "/usr/bin/booth-pos",
        "/etc/booth-pos/booth.toml",
        "/etc/pam.d/booth-pos-kiosk",
        "/usr/lib/systemd/system/booth-pos-kiosk.service",
        "/usr/lib/systemd/system/booth-pos-kiosk-x11.service",
        "/usr/lib/udev/rules.d/60-booth-pos.rules",
        "/usr/lib/booth-pos/x11-session",
        "/usr/lib/booth-pos/x11-server",
        "/usr/share/doc/booth-pos/deployment.md",
        "/usr/share/doc/booth-pos/copyright",
    ):
        assert path in files, path
    for path in (
        "/opt/booth-pos/booth-pos",
        "/usr/bin/booth-pos",
        "/usr/lib/booth-pos/x11-session",
        "/usr/lib/booth-pos/x11-server",
    ):
        assert files[path].startswith("-rwxr-xr-x root/root"), (path, files[path])
    assert all(owner.split()[1] == "root/root" for owner in files.values())


def test_only_the_qt_the_terminal_uses_is_in_the_bundle(deb):
    names = " ".join(_files(deb))
    for unused in ("QtWebEngine", "Qt3D", "libQt6Qml", "libQt6Quick", "libQt6Network",
                   "libQt6Sql", "libqvnc", "libqeglfs", "qtbase_de.qm", "sync/server"):  # fmt: skip
        assert unused not in names
    assert not re.search(r"/_internal/(fastapi|sqlalchemy|uvicorn|psycopg|pytest)\b", names)


def test_the_settings_file_is_a_conffile_upgrades_never_overwrite(control):
    conffiles = (control / "conffiles").read_text(encoding="utf-8").split()
    assert "/etc/booth-pos/booth.toml" in conffiles
    assert "/etc/pam.d/booth-pos-kiosk" in conffiles


def test_the_packaged_settings_are_valid_and_documented(tmp_path):
    from pos.config import load_settings

    shutil.copyfile(ROOT / "packaging" / "files" / "booth.toml", tmp_path / "booth.toml")
    assert load_settings(tmp_path).timezone == "Asia/Shanghai"


@pytest.mark.parametrize("script", ["postinst", "prerm", "postrm"])
def test_the_maintainer_scripts_are_executable_posix_shell(control, script):
    path = control / script
    assert path.stat().st_mode & 0o755 == 0o755
    assert path.read_text(encoding="utf-8").startswith("#!/bin/sh\n")
    subprocess.run(["sh", "-n", str(path)], check=True)
    if shutil.which("checkbashisms"):
        subprocess.run(["checkbashisms", str(path)], check=True)


def test_postinst_creates_the_kiosk_user_in_the_device_groups_once(control):
    text = (control / "postinst").read_text(encoding="utf-8")
    assert "useradd --system" in text and 'getent passwd "$USER_NAME"' in text  # only once
    assert "for group in lp dialout" in text
    assert "/var/lib/booth-pos" in text and 'ln -s "$CONFIG"' in text


def test_purging_never_deletes_the_sales(control):
    text = (control / "postrm").read_text(encoding="utf-8")
    removed = [line for line in text.splitlines() if line.strip().startswith(("rm ", "userdel"))]
    assert removed == [
        "    rm -rf /var/cache/booth-pos",
        "        rm -f /var/lib/booth-pos/booth.toml",
    ]


def test_the_deb_is_small_enough_for_a_booths_mobile_link(deb):
    assert deb.stat().st_size < 80 * 1024 * 1024
