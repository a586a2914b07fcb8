"""HTTP API for the WeChat mini-program: schemas and views over backend services, nothing more."""

from miniprogram_api.auth import blp as auth_blp
from miniprogram_api.registry import blp as registry_blp

BLUEPRINTS = [auth_blp, registry_blp]
