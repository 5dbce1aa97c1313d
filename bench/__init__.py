"""Developer benchmarks kept outside the installed package (`make bench`)."""
