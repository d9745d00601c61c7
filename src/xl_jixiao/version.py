"""The package version: defined here only (``pyproject.toml`` reads it from this file)."""

__version__ = "0.1.0"

RESULT_FORMAT = 4
"""The stored shape of :class:`xl_jixiao.pipeline.FileResult`; bumped when it changes (cached results are then
read again).  Kept here, beside the version, so the cache can name its version without importing the model."""
