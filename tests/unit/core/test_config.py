import pytest

from backend.core.config import ConfigError, load_settings

STRONG = "k3y-" + "a1b2c3d4e5f6g7h8" * 3


def test_defaults_are_embedded_with_a_random_secret():
    first = load_settings(environ={})
    second = load_settings(environ={})
    assert first.embedded_mongo and first.embedded_redis
    assert first.SECRET_KEY and first.SECRET_KEY != second.SECRET_KEY
    assert first.WECHAT_API_BASE == "https://api.weixin.qq.com"
    assert (first.HOST, first.PORT) == ("127.0.0.1", 8000)


def test_environment_values_are_parsed_and_overrides_win():
    settings = load_settings({"PORT": "9001"}, environ={"PORT": "8100", "LOGIN_MAX_FAILURES": "3", "SEED_DEMO": "yes"})
    assert settings.PORT == 9001
    assert settings.LOGIN_MAX_FAILURES == 3
    assert settings.SEED_DEMO is True


def test_unknown_override_is_rejected():
    with pytest.raises(ConfigError, match="MONGO_URL"):
        load_settings({"MONGO_URL": "mongodb://x"}, environ={})


def test_near_miss_environment_name_is_rejected():
    with pytest.raises(ConfigError, match="did you mean MONGODB_URI"):
        load_settings(environ={"MONGODB_URL": "mongodb://db/x"})


def test_unrelated_environment_is_ignored():
    assert load_settings(environ={"PATH": "/bin", "HOME": "/root", "LANG": "C.UTF-8"}).APP_ENV == "development"


@pytest.mark.parametrize(
    "name,value",
    [
        ("PORT", "eighty"),
        ("PORT", "-1"),
        ("SEED_DEMO", "maybe"),
        ("APP_ENV", "staging"),
        ("WECHAT_API_BASE", "ftp://x"),
        ("MONGODB_URI", "postgres://x"),
        ("REDIS_URL", "http://x"),
        ("WECHAT_TIMEOUT", "100"),
        ("LOG_LEVEL", "chatty"),
        ("PUBLIC_CARD_MEMORY_CACHE", "-1"),
        ("PUBLIC_CARD_MEMORY_CACHE", "lots"),
        ("PUBLIC_RATE_LIMIT", "fast"),
    ],
)
def test_invalid_values_name_the_setting(name, value):
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value}, environ={})


def test_bootstrap_admin_needs_both_values():
    with pytest.raises(ConfigError, match="BOOTSTRAP_ADMIN"):
        load_settings({"BOOTSTRAP_ADMIN_USERNAME": "root"}, environ={})


PRODUCTION = {
    "APP_ENV": "production",
    "MONGODB_URI": "mongodb://db:27017/sfs",
    "REDIS_URL": "redis://cache:6379/0",
    "SECRET_KEY": STRONG,
    "STAFF_ID_KEY": STRONG[::-1] + "-staff",
    "WECHAT_APPID": "wx1",
    "WECHAT_SECRET": "s",
}


def test_production_accepts_real_stores_and_a_strong_secret():
    assert load_settings(PRODUCTION, environ={}).production


@pytest.mark.parametrize(
    "change,setting",
    [
        ({"MONGODB_URI": None}, "MONGODB_URI"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "a" * 64}, "SECRET_KEY"),
        ({"SEED_DEMO": "true"}, "SEED_DEMO"),
        ({"STAFF_ID_KEY": None}, "STAFF_ID_KEY"),
        ({"STAFF_ID_KEY": STRONG}, "STAFF_ID_KEY"),  # not the token key again
        ({"STAFF_ID_KEY": "a" * 32}, "STAFF_ID_KEY"),  # long, but no secret
    ],
)
def test_production_refuses_embedded_stores_and_weak_secrets(change, setting):
    with pytest.raises(ConfigError, match=setting):
        load_settings({**PRODUCTION, **change}, environ={})


def test_public_view_hides_secrets():
    settings = load_settings({**PRODUCTION, "MONGODB_URI": "mongodb://u:pw123@db/sfs"}, environ={})
    shown = settings.public()
    assert shown["SECRET_KEY"] == "***" and shown["WECHAT_SECRET"] == "***" and shown["STAFF_ID_KEY"] == "***"
    assert "pw123" not in shown["MONGODB_URI"]


def test_domains_declare_their_settings_read_and_checked_like_the_platforms():
    settings = load_settings({"DISPOSITION_DAYS": "30"}, environ={"VIDEO_MAX_CAMERAS": "8"})
    assert settings.DISPOSITION_DAYS == 30 and settings.VIDEO_MAX_CAMERAS == 8 and settings.INSPECTORS_REQUIRED == 2
    assert settings.public()["DISPOSITION_DAYS"] == 30
    changed = settings.replace(ROUTINE_BACKFILL_DAYS=20, LOG_LEVEL="DEBUG")
    assert changed.ROUTINE_BACKFILL_DAYS == 20 and changed.LOG_LEVEL == "DEBUG" and settings.ROUTINE_BACKFILL_DAYS == 7
    with pytest.raises(ConfigError, match="INSPECTORS_REQUIRED: from 1 to 10"):
        load_settings({"INSPECTORS_REQUIRED": "11"}, environ={})
    with pytest.raises(ConfigError, match="COMPLAINT_RATE_LIMIT"):
        load_settings({"COMPLAINT_RATE_LIMIT": "lots"}, environ={})
    with pytest.raises(ConfigError, match="did you mean DISPOSITION_DAYS"):
        load_settings(environ={"DISPOSITON_DAYS": "3"})
    with pytest.raises(ConfigError, match="unknown setting"):
        settings.replace(NO_SUCH_SETTING=1)
    with pytest.raises(AttributeError):
        _ = settings.NO_SUCH_SETTING


def test_only_jobs_a_domain_declares_are_queued():
    from backend.core import jobs

    with pytest.raises(ValueError, match="not a job"):
        jobs.enqueue("os.system", "true", job_id="x", timeout=5)
