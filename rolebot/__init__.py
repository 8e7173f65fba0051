"""rolebot: runs a team's rotating roles."""
