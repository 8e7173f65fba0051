"""Commands: each turns options into a plan, then renders it (`--dry-run`) or applies it."""
