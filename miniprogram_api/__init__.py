"""HTTP API for the WeChat mini-program: schemas and views over backend services, nothing more."""
from miniprogram_api.auth import blp as auth_blp

BLUEPRINTS = [auth_blp]
