"""cioctl: a Customer.io workspace as code — validate, plan and apply YAML definitions."""

__version__ = "0.1.0"
