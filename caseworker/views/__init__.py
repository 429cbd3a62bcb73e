"""Read models for screens and reports: plain dataclasses, safe to hand to another thread."""
