"""Shared fixtures: the reference data directory (as the Rust tests find it) and the
repository's paths."""

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCENARIO = ROOT / "data" / "scenarios" / "kazakhstan"


def _reference() -> pathlib.Path:
    env = os.environ.get("ASTANA_REFERENCE_DIR")
    return pathlib.Path(env) if env else ROOT.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference() -> pathlib.Path:
    """`$ASTANA_REFERENCE_DIR` or ../shared/reference; under CI a missing one fails."""
    d = _reference()
    if not d.is_dir():
        msg = f"reference directory {d} not found: set ASTANA_REFERENCE_DIR to it"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return d


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The astana binary the Rust tests built (`ASTANA_BIN` or target/debug/astana), for
    comparing documents; under CI a missing one fails."""
    b = pathlib.Path(os.environ.get("ASTANA_BIN", ROOT / "target" / "debug" / "astana"))
    if not b.exists():
        msg = f"{b} not found: run `cargo build -p astana-cli` or set ASTANA_BIN"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return b
