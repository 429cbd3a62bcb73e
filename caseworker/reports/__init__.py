"""Reports over the engine's output (the deadlines report; SEN2 later)."""
