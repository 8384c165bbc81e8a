"""How the frontend container publishes the app into the volume Caddy serves
(frontend/scripts/publish-to-volume.sh), run here with the host's /bin/sh on folders standing in
for the image's /app/dist and the volume: pages open during a deploy keep their assets."""

import os
import subprocess

import pytest

from support import paths

PUBLISH = paths.FRONTEND / "scripts" / "publish-to-volume.sh"


def build(folder, name, assets, extra=()):
    """A build as Vite makes one: index.html naming its release, hashed files under assets/."""
    root = folder / name
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(f"<!doctype html><title>{name}</title>")
    for asset in assets:
        (root / "assets" / asset).write_text(f"{name}: {asset}")
    for file in extra:
        (root / file).write_text(f"{name}: {file}")
    return root


def publish(build_dir, volume):
    return subprocess.run(
        ["/bin/sh", str(PUBLISH)],
        env={
            "PATH": os.environ["PATH"],
            "IC_BUILD_DIR": str(build_dir),
            "IC_SITE_VOLUME": str(volume),
        },
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def served(volume):
    """Every file Caddy would serve, relative to SITE_ROOT (the volume's dist/)."""
    site = volume / "dist"
    return sorted(str(path.relative_to(site)) for path in site.rglob("*") if path.is_file())


@pytest.fixture
def volume(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    return folder


def test_it_publishes_the_build_and_says_which_release(tmp_path, volume):
    first = build(tmp_path, "r1", ["index-aaa.js", "Room-bbb.js"], extra=["favicon.svg"])

    result = publish(first, volume)

    assert result.returncode == 0, result.stderr
    assert served(volume) == [
        "assets/Room-bbb.js",
        "assets/index-aaa.js",
        "favicon.svg",
        "index.html",
    ]
    assert (volume / "dist/index.html").read_text() == (first / "index.html").read_text()
    assert "publish: release " in result.stdout
    assert sorted(os.listdir(volume)) == ["dist", "releases"]  # no temporary file left


def test_an_open_page_still_finds_the_previous_releases_assets(tmp_path, volume):
    publish(build(tmp_path, "r1", ["index-aaa.js", "Room-bbb.js"]), volume)

    result = publish(build(tmp_path, "r2", ["index-ccc.js", "Room-bbb.js"]), volume)

    assert result.returncode == 0, result.stderr
    assert "r2" in (volume / "dist/index.html").read_text()
    assert served(volume) == [
        "assets/Room-bbb.js",
        "assets/index-aaa.js",
        "assets/index-ccc.js",
        "index.html",
    ]


def test_assets_of_older_releases_are_removed(tmp_path, volume):
    publish(build(tmp_path, "r1", ["index-aaa.js"]), volume)
    publish(build(tmp_path, "r2", ["index-bbb.js"]), volume)

    publish(build(tmp_path, "r3", ["index-ccc.js"]), volume)

    assert served(volume) == ["assets/index-bbb.js", "assets/index-ccc.js", "index.html"]


def test_publishing_the_same_release_again_removes_nothing(tmp_path, volume):
    publish(build(tmp_path, "r1", ["index-aaa.js"]), volume)
    second = build(tmp_path, "r2", ["index-bbb.js"])
    publish(second, volume)

    result = publish(second, volume)

    assert result.returncode == 0, result.stderr
    assert served(volume) == ["assets/index-aaa.js", "assets/index-bbb.js", "index.html"]


def test_an_unhashed_file_the_release_dropped_is_removed(tmp_path, volume):
    publish(build(tmp_path, "r1", ["index-aaa.js"], extra=["robots.txt"]), volume)

    publish(build(tmp_path, "r2", ["index-aaa.js"]), volume)

    assert served(volume) == ["assets/index-aaa.js", "index.html"]


def test_a_volume_it_cannot_write_is_refused_with_a_reason(tmp_path):
    result = publish(build(tmp_path, "r1", ["index-aaa.js"]), tmp_path / "not-mounted")

    assert result.returncode == 1
    assert "is not writable" in result.stderr
