"""Speed figures of Booth POS (docs/benchmarks.md): developer scripts, not part of the
product or the kiosk package. Run from the repository root:

    make bench                                  # every benchmark, every figure, default sizes
    python -m benchmarks                        # the same
    python -m benchmarks.terminal --help        # one benchmark, with its options

Each benchmark builds throw-away terminals and servers with the product's own code (its
schema and migrations, Terminal, the server's ingest and app) and never touches real data.
"""
