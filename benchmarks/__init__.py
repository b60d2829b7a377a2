"""Performance figures of SPEC §7, each measured as a ratio within one run and written as JSON.

Run them with ``python -m benchmarks.run <figure>``; see ``benchmarks/README.md``.
"""
