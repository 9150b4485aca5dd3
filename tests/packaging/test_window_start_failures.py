"""A window that cannot load its Qt platform plugin fails its test at once, saying why: the
library the plugin lacks, named with its Debian package before the window starts, and Qt's
own words while waiting for READY=1, instead of a minute's timeout that says nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pos.terminal import Terminal
from tests.packaging.qt_start import fatal_lines, platform_problem
from tests.packaging.supervisor import Supervisor


def _cc(*args: str | Path) -> None:
    subprocess.run(["cc", *map(str, args)], check=True, capture_output=True)


@pytest.fixture
def bundle_with_a_plugin_library(tmp_path) -> tuple[Path, Path]:
    """A bundle-shaped folder whose wayland plugin needs libbooth-gone.so.0, which the bundle
    carries: (bundle, that library). Real ELF files, built by the C compiler."""
    if shutil.which("cc") is None:
        pytest.skip("no C compiler (apt-get install gcc)")
    bundle = tmp_path / "booth-pos"
    internal = bundle / "_internal"
    platforms = internal / "PySide6" / "Qt" / "plugins" / "platforms"
    platforms.mkdir(parents=True)
    shutil.copyfile("/bin/true", bundle / "booth-pos")
    (bundle / "booth-pos").chmod(0o755)
    source = tmp_path / "gone.c"
    source.write_text("int booth_gone(void) { return 1; }\n")
    library = internal / "libbooth-gone.so.0"
    _cc("-shared", "-fPIC", "-Wl,-soname,libbooth-gone.so.0", "-o", library, source)
    (internal / "libbooth-gone.so").symlink_to(library.name)
    plugin = tmp_path / "plugin.c"
    plugin.write_text("int booth_gone(void);\nint plugin(void) { return booth_gone(); }\n")
    _cc("-shared", "-fPIC", "-o", platforms / "libqwayland.so", plugin, f"-L{internal}",
        "-lbooth-gone")  # fmt: skip
    (internal / "libbooth-gone.so").unlink()
    return bundle, library


def test_a_plugin_whose_library_is_missing_is_named_before_the_window_starts(
    bundle_with_a_plugin_library,
):
    bundle, library = bundle_with_a_plugin_library
    assert platform_problem(bundle, "wayland") == ""  # all there
    library.unlink()
    started = time.monotonic()
    problem = platform_problem(bundle, "wayland")
    assert time.monotonic() - started < 10
    assert problem == (
        "the bundled window cannot load Qt's wayland platform here: libbooth-gone.so.0 not found "
        "(install libbooth-gone0), needed by _internal/PySide6/Qt/plugins/platforms/libqwayland.so"
    )
    assert platform_problem(bundle, "xcb").startswith("the bundle has no Qt xcb platform plugin")


def test_a_window_whose_platform_plugin_cannot_load_ends_the_wait_for_ready_at_once(tmp_path):
    """The real window from this checkout on Qt's wayland platform with no compositor to
    connect to: Qt cannot load the platform and aborts, and the supervisor starts it again
    every RestartSec, for ever. The wait for READY=1 ends with Qt's words, not after 60 s."""
    home = tmp_path / "booth"
    Terminal.init(home, "CQ-FJ-001-T1", "奉节县扶贫专柜")[0].close()
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "DISPLAY")}
    env |= {"BOOTH_POS_HOME": str(home), "QT_QPA_PLATFORM": "wayland",
            "XDG_RUNTIME_DIR": str(runtime)}  # fmt: skip
    supervisor = Supervisor([sys.executable, "-m", "pos.cli", "run", "--kiosk"], env,
                            restart_sec=2, watchdog_sec=30, log=tmp_path / "window.log")  # fmt: skip
    supervisor.start()
    started = time.monotonic()
    try:
        with pytest.raises(AssertionError) as failure:
            supervisor.wait_for(lambda event: event.what == "READY=1", timeout=60)
    finally:
        supervisor.stop()
    assert time.monotonic() - started < 20  # not the 60 s timeout
    message = str(failure.value)
    assert message.startswith("the window cannot start:")
    assert 'Could not load the Qt platform plugin "wayland"' in message


#: What the window said on a machine without libwayland-cursor0 (QT_DEBUG_PLUGINS=1).
WITHOUT_LIBWAYLAND_CURSOR = """\
qt.core.library: "/opt/booth-pos/_internal/PySide6/Qt/plugins/platforms/libqwayland.so" \
cannot load: Cannot load library /opt/booth-pos/_internal/PySide6/Qt/plugins/platforms/\
libqwayland.so: libwayland-cursor.so.0: cannot open shared object file: No such file or directory
qt.qpa.plugin: Could not load the Qt platform plugin "wayland" in "" even though it was found.
This application failed to start because no Qt platform plugin could be initialized. \
Reinstalling the application may fix this problem.
"""


def test_the_lines_that_say_why_are_quoted_and_a_missing_mesa_driver_is_not_fatal():
    lines = fatal_lines(WITHOUT_LIBWAYLAND_CURSOR)
    assert len(lines) == 3
    assert "libwayland-cursor.so.0: cannot open shared object file" in lines[0]
    assert lines[1].startswith('qt.qpa.plugin: Could not load the Qt platform plugin "wayland"')
    mesa = "MESA-LOADER: failed to open swrast: swrast_dri.so: cannot open shared object file\n"
    assert fatal_lines(mesa) == []
    loader = (
        "booth-pos: error while loading shared libraries: libz.so.1: cannot open shared object file"
    )
    assert fatal_lines(loader) == [loader]
