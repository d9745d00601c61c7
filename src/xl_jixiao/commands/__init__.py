"""Subcommands of ``xl-jixiao``; see :mod:`xl_jixiao.cli` for the protocol."""
