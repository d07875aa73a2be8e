"""Settings: environment and file, validated once, errors that say what to fix."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from vikno.bots.config import ConfigError, load_settings
from vikno.nlu.types import CATCH_DEFAULT


def test_defaults_use_the_embedded_store() -> None:
    s = load_settings(environ={})
    assert s.store_kind == "sqlite" and s.port == 8080 and s.data_dir == Path(".vikno-data")


def test_environment_wins_over_the_file(tmp_path: Path) -> None:
    f = tmp_path / "c.yml"
    f.write_text("port: 9000\nhost: 0.0.0.0\nnlu: {backend: none}\n", encoding="utf-8")
    s = load_settings(f, environ={"VIKNO_PORT": "9100", "MONGODB_URI": "mongodb://db:27017/vikno"})
    assert (s.port, s.host, s.nlu.backend, s.store_kind) == (9100, "0.0.0.0", "none", "mongodb")
    assert "db:27017" not in repr(s)  # secrets stay out of logs


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"VIKNO_PORT": "0"}, "VIKNO_PORT: port: Input should be greater than or equal to 1"),
        ({"MONGODB_URI": "localhost:27017"}, "MONGODB_URI: mongodb_uri: must start with mongodb://"),
        ({"VIKNO_SECRET_KEY": "short"}, "VIKNO_SECRET_KEY: secret_key: must be at least 16 characters"),
        ({"VIKNO_NLU": "gpt"}, "VIKNO_NLU: nlu.backend: Input should be 'builtin', 'rasa' or 'none'"),
        ({"VIKNO_NLU": "rasa"}, "nlu.rasa_url is required"),
        (
            {"VIKNO_TELEGRAM_TOKEN": "not-a-token", "VIKNO_TELEGRAM_MODE": "polling"},
            "VIKNO_TELEGRAM_TOKEN: telegram.token: does not look like a bot token",
        ),
        ({"VIKNO_TELEGRAM_TOKEN": "123456:" + "A" * 35}, "telegram in webhook mode needs public_url"),
        ({"VIKNO_VIBER_TOKEN": "abc"}, "viber needs public_url"),
        ({"VIKNO_TRUSTED_PROXIES": "10.0.0.1, nginx"}, "VIKNO_TRUSTED_PROXIES: trusted_proxies: 'nginx' is not an IP"),
        ({"VIKNO_RATE_LIMITS": "maybe"}, "VIKNO_RATE_LIMITS: limits.enabled"),
        ({"VIKNO_NLU_CATCH": "1.5"}, "VIKNO_NLU_CATCH: nlu.catch: Input should be less than or equal to 0.99"),
        ({"VIKNO_NLU_CATCH": "0.2"}, "VIKNO_NLU_CATCH: nlu.catch: Input should be greater than or equal to 0.5"),
        ({"VIKNO_NLU_CATCH": "most"}, "VIKNO_NLU_CATCH: nlu.catch"),
    ],
)
def test_environment_errors_name_the_variable(environ: dict[str, str], expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(environ=environ)
    assert expected in str(info.value)


def test_file_errors_name_the_line(tmp_path: Path) -> None:
    f = tmp_path / "c.yml"
    f.write_text("host: x\nprot: 1\nrest:\n  max_text_chars: 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(f, environ={})
    text = str(info.value)
    assert "c.yml, line 2 (prot): prot: unknown setting" in text
    assert "c.yml, line 4 (rest.max_text_chars)" in text


def test_channels_from_the_environment() -> None:
    s = load_settings(
        environ={
            "VIKNO_TELEGRAM_TOKEN": "123456:" + "A" * 35,
            "VIKNO_PUBLIC_URL": "https://h.example",
            "VIKNO_WEBCHAT_ORIGINS": "https://a.example, https://b.example",
        }
    )
    assert s.telegram.mode == "webhook" and s.public_url == "https://h.example"
    assert s.webchat.allowed_origins == ["https://a.example", "https://b.example"]


def test_trusted_proxies_and_limits_from_the_environment() -> None:
    s = load_settings(environ={"VIKNO_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1, unix", "VIKNO_RATE_LIMITS": "off"})
    assert s.trusted_proxies == ["127.0.0.1", "10.0.0.0/8", "::1", "unix"]
    assert s.limits.enabled is False
    defaults = load_settings(environ={})
    assert defaults.trusted_proxies == [] and defaults.limits.enabled is True
    assert defaults.limits.new_conversations_per_address == 5


@pytest.mark.parametrize(
    ("written", "seconds"),
    [
        ("60", 60),
        ("90s", 90),
        ("10 minutes", 600),
        ("10m", 600),
        ("2h", 7200),
        ("PT15M", 900),
        ("1.5 hours", 5400),
    ],
)
def test_durations_as_people_write_them(written: str, seconds: int) -> None:
    """An environment variable is a string: "60" and the README's "10 minutes" were both refused."""
    s = load_settings(environ={"VIKNO_RELEASE_AFTER": written, "VIKNO_CONSOLE_IDLE_TIMEOUT": "PT1H"})
    assert s.console.release_after == timedelta(seconds=seconds)
    assert s.console.idle_timeout == timedelta(hours=1)


def test_a_duration_that_cannot_be_read_says_what_to_write() -> None:
    with pytest.raises(ConfigError, match="VIKNO_CONSOLE_IDLE_TIMEOUT.*write 60 \\(seconds\\), 90s, 10 minutes"):
        load_settings(environ={"VIKNO_CONSOLE_IDLE_TIMEOUT": "ten"})


@pytest.mark.parametrize("written", ["PT15", "P1X", "PTX"])
def test_an_unreadable_iso_duration_says_what_to_write_too(written: str) -> None:
    """An ISO-looking value went to pydantic alone, whose error ("invalid digit in duration") names no format."""
    with pytest.raises(
        ConfigError,
        match=f"VIKNO_RELEASE_AFTER: console.release_after: cannot read the duration "
        f"'{written}'; write 60 \\(seconds\\), 90s, 10 minutes, 2h "
        "or ISO 8601 PT15M",
    ):
        load_settings(environ={"VIKNO_RELEASE_AFTER": written})


def test_an_iso_duration_in_lower_case_is_read() -> None:
    assert load_settings(environ={"VIKNO_RELEASE_AFTER": "pt15m"}).console.release_after == timedelta(minutes=15)


@pytest.mark.parametrize(("environ", "catch"), [({}, CATCH_DEFAULT), ({"VIKNO_NLU_CATCH": "0.8"}, 0.8)])
def test_the_operating_point_is_a_share_caught(environ: dict[str, str], catch: float) -> None:
    assert load_settings(environ=environ).nlu.catch == catch
