"""Users, roles, WeChat login, tokens and district scopes."""
