"""A realistic, deterministic demo SEND team: staff, schools, services, children, requests and plans.

``build_demo(url, scale=..., today=..., login=...)`` writes it to its own database (never over real
data) so the app can be tried, taught and benchmarked without anyone's personal information.
"""

from caseworker.demo.build import DemoRefused, DemoSummary, build_demo, describe_contents
from caseworker.demo.generate import SCALES, Scale

__all__ = ["SCALES", "DemoRefused", "DemoSummary", "Scale", "build_demo", "describe_contents"]
