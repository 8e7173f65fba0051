"""Jobs: what a multi-step command does, apart from its command line (options in, step results out)."""
