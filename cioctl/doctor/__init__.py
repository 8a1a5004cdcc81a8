"""``cioctl doctor``: is an environment ready — credentials, region, reachability, clock, and
(with ``--openapi``) the vendor document against every route and field cioctl uses."""

from cioctl.doctor.report import Check, Report, Status, render_json, render_text
from cioctl.doctor.run import diagnose

__all__ = ["Check", "Report", "Status", "diagnose", "render_json", "render_text"]
