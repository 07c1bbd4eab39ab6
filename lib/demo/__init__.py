"""Generated data, never real customers: the demo ISP (`isp`: a regional ISP in Londrina/PR
with staff, customers, 18 months of tickets and discount requests, created through the
use-cases' own rules) and the large stores for benchmarks (`large`).

This package sits above the use-cases and the store and uses both; nothing below imports it.
"""

from lib.demo.isp import DEMO_PASSWORD, seed_demo

__all__ = ["DEMO_PASSWORD", "seed_demo"]
