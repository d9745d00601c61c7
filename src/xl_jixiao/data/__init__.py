"""Built-in data: vocabularies, default configuration and the sample forms in ``seeds/``."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).parent
SEEDS_DIR = DATA_DIR / "seeds"


def seed_files() -> list[Path]:
    """The built-in real forms (text dumps), in a stable order."""
    return sorted(p for p in SEEDS_DIR.iterdir() if p.suffix in (".txt", ".md") and p.name != "README.md")
