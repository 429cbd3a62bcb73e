"""Custom widgets shared by the case record and the step forms."""
