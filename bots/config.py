"""Configuration: environment first, then an optional YAML file, validated once.

A helpline's technical person sets a few environment variables (or one YAML
file) and starts ``vikno serve``; anything wrong stops the start with a line
per problem saying which setting, what is wrong and what to write instead.
Environment variables win over the file so that secrets need not be in it.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from vikno.flows.yaml_lines import ContentError, load_located
from vikno.nlu.types import CATCH_DEFAULT, CATCH_MAX, CATCH_MIN

#: Environment variable → setting path.
ENVIRONMENT: dict[str, tuple[str, ...]] = {
    "VIKNO_HOST": ("host",),
    "VIKNO_PORT": ("port",),
    "VIKNO_DATA_DIR": ("data_dir",),
    "MONGODB_URI": ("mongodb_uri",),
    "VIKNO_MONGODB_DATABASE": ("mongodb_database",),
    "VIKNO_SECRET_KEY": ("secret_key",),
    "VIKNO_HELPLINES": ("helplines",),
    "VIKNO_DEFAULT_HELPLINE": ("default_helpline",),
    "VIKNO_NLU": ("nlu", "backend"),
    "VIKNO_NLU_MODEL": ("nlu", "model"),
    "VIKNO_NLU_CATCH": ("nlu", "catch"),
    "VIKNO_RASA_URL": ("nlu", "rasa_url"),
    "VIKNO_LOG_LEVEL": ("log_level",),
    "VIKNO_EVENT_LOOP": ("event_loop",),
    "VIKNO_PUBLIC_URL": ("public_url",),
    "VIKNO_TELEGRAM_TOKEN": ("telegram", "token"),
    "VIKNO_TELEGRAM_MODE": ("telegram", "mode"),
    "VIKNO_TELEGRAM_SECRET": ("telegram", "secret_token"),
    "VIKNO_TELEGRAM_API": ("telegram", "api_base"),
    "VIKNO_VIBER_TOKEN": ("viber", "token"),
    "VIKNO_VIBER_API": ("viber", "api_base"),
    "VIKNO_VIBER_NAME": ("viber", "sender_name"),
    "VIKNO_WEBCHAT_ORIGINS": ("webchat", "allowed_origins"),
    "VIKNO_WEBCHAT_EXIT_URL": ("webchat", "exit_url"),
    "VIKNO_RELEASE_AFTER": ("console", "release_after"),
    "VIKNO_CONSOLE_IDLE_TIMEOUT": ("console", "idle_timeout"),
    "VIKNO_FEEDBACK_RETENTION_DAYS": ("feedback_retention_days",),
    "VIKNO_TRUSTED_PROXIES": ("trusted_proxies",),
    "VIKNO_RATE_LIMITS": ("limits", "enabled"),
}


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NluSettings(_Strict):
    backend: Literal["builtin", "rasa", "none"] = "builtin"
    model: Path | None = None
    #: The built-in classifier's operating point: the share of topics it was never taught that it sends to
    #: the fallback, measured on held-out folds of the training data (nlu/classifier.py, ``catch``). Higher
    #: catches more off-topic messages and answers fewer in-scope ones; ``vikno nlu evaluate`` prints the
    #: trade-off. A change retrains the model on the next start.
    catch: float = Field(default=CATCH_DEFAULT, ge=CATCH_MIN, le=CATCH_MAX)
    rasa_url: str | None = None
    rasa_timeout: float = Field(default=2.0, gt=0, le=30)

    @model_validator(mode="after")
    def _rasa_needs_url(self) -> NluSettings:
        if self.backend == "rasa" and not self.rasa_url:
            raise ValueError(
                "nlu.rasa_url is required when nlu.backend is rasa (VIKNO_RASA_URL, e.g. http://localhost:5005)"
            )
        return self


class RestSettings(_Strict):
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    max_text_chars: int = Field(default=4096, ge=16, le=1_000_000)


class LimitSettings(_Strict):
    """What one client address and one conversation may send (REST and web chat together).

    The defaults let a person write as fast as a person writes, and stop one
    address from starting many conversations (each could jump the queue as a
    crisis). Many people behind one address (a school, a shelter) share its
    allowance unless a trusted proxy tells them apart.
    """

    #: Off only for load tests (VIKNO_RATE_LIMITS=off).
    enabled: bool = True
    messages_per_address_per_minute: int = Field(default=60, ge=1, le=1_000_000)
    messages_per_conversation_per_minute: int = Field(default=20, ge=1, le=1_000_000)
    #: New conversations one address may start at once ...
    new_conversations_per_address: int = Field(default=5, ge=1, le=1_000_000)
    #: ... and how many more an hour after that.
    new_conversations_per_address_per_hour: int = Field(default=30, ge=1, le=10_000_000)


class TelegramSettings(_Strict):
    """A Telegram bot: off unless a token is given (from @BotFather)."""

    token: SecretStr | None = None
    mode: Literal["webhook", "polling"] = "webhook"
    #: Checked on every webhook call (X-Telegram-Bot-Api-Secret-Token);
    #: derived from the secret key when not given.
    secret_token: SecretStr | None = None
    #: Bot API server; a local one (or a test server) instead of api.telegram.org.
    api_base: str | None = None
    helpline: str | None = None

    @field_validator("token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        import re

        if value is not None and not re.fullmatch(r"\d{3,20}:[A-Za-z0-9_-]{20,100}", value.get_secret_value()):
            raise ValueError("does not look like a bot token from @BotFather (digits, ':', then 20+ letters)")
        return value

    @field_validator("secret_token")
    @classmethod
    def _secret_token(cls, value: SecretStr | None) -> SecretStr | None:
        import re

        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value


class ViberSettings(_Strict):
    """A Viber bot: off unless a token is given (from the Viber admin panel)."""

    token: SecretStr | None = None
    api_base: str = "https://chatapi.viber.com/pa"
    sender_name: str = Field(default="vikno", min_length=1, max_length=28)
    sender_avatar: str | None = None
    helpline: str | None = None


class WebchatSettings(_Strict):
    """The embeddable web chat."""

    enabled: bool = True
    #: Sites allowed to embed the chat (their origins, e.g. https://help.example.org);
    #: the chat's own origin is always allowed.
    allowed_origins: list[str] = []
    #: Where "quick exit" sends the browser: a neutral site (http or https).
    exit_url: str = Field(default="https://www.google.com/", pattern=r"^https?://")
    max_message_chars: int = Field(default=4096, ge=16, le=100_000)
    messages_per_minute: int = Field(default=30, ge=1, le=10_000)
    helpline: str | None = None


_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$")


def _duration(value: Any) -> Any:
    """Durations as people write them: ``60`` (seconds), ``90s``, ``10 minutes``, ``2h`` or ISO 8601 ``PT15M``.

    An environment variable is always a string, and pydantic reads "60" as
    no duration at all; the README's own "10 minutes" was refused too.
    """
    if not isinstance(value, str):
        return value
    if value.strip().upper().startswith("P"):  # ISO 8601; pydantic alone said only "invalid digit in duration"
        try:
            return _ISO_DURATION.validate_python(value.strip().upper())
        except ValidationError:
            raise ValueError(f"cannot read the duration {value!r}; {_DURATION_FORMATS}") from None
    found = _DURATION.match(value.lower())
    if found is None or found.group(2) not in ("", *_UNITS):
        raise ValueError(f"cannot read the duration {value!r}; {_DURATION_FORMATS}")
    return timedelta(seconds=float(found.group(1)) * _UNITS.get(found.group(2), 1))


_DURATION_FORMATS = "write 60 (seconds), 90s, 10 minutes, 2h or ISO 8601 PT15M"
_ISO_DURATION = TypeAdapter(timedelta)


Duration = Annotated[timedelta, BeforeValidator(_duration)]


class ConsoleSettings(_Strict):
    """The operator console."""

    #: A chat whose person has waited this long for the operator goes back to the queue.
    release_after: Duration = timedelta(minutes=10)
    #: How often that is checked.
    release_every: Duration = timedelta(seconds=30)
    #: A console session with no request and no open console page for this long ends (12 hours at most).
    idle_timeout: Duration = Field(default=timedelta(minutes=30), ge=timedelta(minutes=1), le=timedelta(hours=12))


class Settings(_Strict):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    data_dir: Path = Path(".vikno-data")
    mongodb_uri: SecretStr | None = None
    mongodb_database: str | None = None
    secret_key: SecretStr | None = None
    helplines: list[Path] = []
    default_helpline: str | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: uvloop (installed with vikno) roughly halves the event loop's and the sockets' share of each request.
    event_loop: Literal["uvloop", "asyncio"] = "uvloop"
    nlu: NluSettings = NluSettings()
    rest: RestSettings = RestSettings()
    #: Where the platforms reach this server (https://…); needed for webhooks.
    public_url: str | None = None
    telegram: TelegramSettings = TelegramSettings()
    #: More Telegram bots in the same process, one line each (``helpline`` and ``token`` required):
    #: a regional centre running several lines gives each its own bot.
    telegram_bots: list[TelegramSettings] = []
    viber: ViberSettings = ViberSettings()
    #: More Viber bots, one line each, as ``telegram_bots``.
    viber_bots: list[ViberSettings] = []
    webchat: WebchatSettings = WebchatSettings()
    console: ConsoleSettings = ConsoleSettings()
    limits: LimitSettings = LimitSettings()
    #: Reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, or "unix");
    #: nobody's by default.
    trusted_proxies: list[str] = []
    #: Operators' marks ("crisis" / "not a crisis") hold the person's words: kept this many days, then deleted.
    feedback_retention_days: int = Field(default=365, ge=1, le=3650)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        from .addresses import parse_networks

        parse_networks(value)  # raises naming the entry that is not an address
        return value

    @model_validator(mode="after")
    def _one_bot_per_line(self) -> Settings:
        """Each further bot names its line; a line has one bot per channel, a token one line."""
        bots_of: dict[str, tuple[TelegramSettings | ViberSettings, list[TelegramSettings | ViberSettings]]] = {
            "telegram": (self.telegram, list(self.telegram_bots)),
            "viber": (self.viber, list(self.viber_bots)),
        }
        for name, (first, more) in bots_of.items():
            for index, bot in enumerate(more):
                if bot.token is None or not bot.helpline:
                    raise ValueError(f"{name}_bots[{index}]: needs token and helpline (the line this bot answers for)")
            bots = ([first] if first.token is not None else []) + list(more)
            lines = [bot.helpline or self.default_helpline or "(the default line)" for bot in bots]
            doubled = sorted({line for line in lines if lines.count(line) > 1})
            if doubled:
                raise ValueError(
                    f"{name}: more than one bot for {', '.join(doubled)}; give each line one bot "
                    "(and name the line of the bot in the first section with helpline:)"
                )
            tokens = [bot.token.get_secret_value() for bot in bots if bot.token is not None]
            if len(set(tokens)) != len(tokens):
                raise ValueError(f"{name}: the same bot token is given twice; each line needs its own bot")
        return self

    @model_validator(mode="after")
    def _webhooks_need_a_public_url(self) -> Settings:
        if any(bot.mode == "webhook" for bot in self.telegram_all()) and not self.public_url:
            raise ValueError(
                "telegram in webhook mode needs public_url (VIKNO_PUBLIC_URL, e.g. "
                "https://help.example.org), or set telegram.mode: polling for development"
            )
        if self.viber_all() and not self.public_url:
            raise ValueError("viber needs public_url (VIKNO_PUBLIC_URL, e.g. https://help.example.org) for its webhook")
        return self

    def telegram_all(self) -> list[TelegramSettings]:
        """Every Telegram bot switched on: the first section's (if it has a token), then the further ones."""
        return ([self.telegram] if self.telegram.token is not None else []) + list(self.telegram_bots)

    def viber_all(self) -> list[ViberSettings]:
        return ([self.viber] if self.viber.token is not None else []) + list(self.viber_bots)

    @field_validator("mongodb_uri")
    @classmethod
    def _uri(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            return None
        if value is not None and not value.get_secret_value().startswith(("mongodb://", "mongodb+srv://")):
            raise ValueError("must start with mongodb:// or mongodb+srv://")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError(
                "must be at least 16 characters; generate one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return value

    @property
    def store_kind(self) -> str:
        return "mongodb" if self.mongodb_uri else "sqlite"


def settings_warnings(settings: Settings) -> list[str]:
    """Settings that load but will not work as meant; ``vikno check`` prints them, ``serve`` logs them."""
    warnings = []
    public = settings.public_url or ""
    if any(bot.mode == "webhook" for bot in settings.telegram_all()) and not public.startswith("https://"):
        warnings.append(
            f"public_url (VIKNO_PUBLIC_URL) is {public!r}: Telegram sends webhooks only to an https:// "
            "address, so no message will arrive; put vikno behind HTTPS (see the README) or use "
            "telegram.mode: polling"
        )
    if settings.viber_all() and not public.startswith("https://"):
        warnings.append(
            f"public_url (VIKNO_PUBLIC_URL) is {public!r}: Viber calls only https:// webhooks with a "
            "trusted certificate, so no message will arrive"
        )
    return warnings


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None
) -> Settings:
    """File, then environment, then command-line overrides; validated once."""
    environ = dict(os.environ if environ is None else environ)
    raw: dict[str, Any] = {}
    located = None
    if config_file is not None:
        try:
            located = load_located(Path(config_file))
        except ContentError as exc:
            raise ConfigError(exc.problems) from exc
        if located.problems:
            raise ConfigError(located.problems)
        if located.data is not None and not isinstance(located.data, dict):
            raise ConfigError([f"{config_file}: the file must be a mapping of settings (key: value)"])
        raw = dict(located.data or {})
    sources: dict[tuple[str, ...], str] = {}
    for name, path in ENVIRONMENT.items():
        value = environ.get(name)
        if value is None or value == "":
            continue
        parsed: Any = value
        if path == ("helplines",):
            parsed = [p for p in value.split(os.pathsep) if p]
        elif path in (("webchat", "allowed_origins"), ("trusted_proxies",)):
            parsed = [p.strip() for p in value.split(",") if p.strip()]
        target = raw
        for part in path[:-1]:
            target = target.setdefault(part, {}) if isinstance(target.get(part, {}), dict) else {}
        target[path[-1]] = parsed
        sources[path] = name
    for key, value in (overrides or {}).items():
        if value is not None:
            raw[key] = value
            sources[(key,)] = f"--{key.replace('_', '-')}"
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(str(p) for p in err["loc"])
            where = next((sources[loc[:n]] for n in range(len(loc), 0, -1) if loc[:n] in sources), None)
            if where is None and located is not None:
                where = located.where(loc)
            setting = ".".join(loc)
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"unknown setting (known: {', '.join(Settings.model_fields)})"
            problems.append(f"{where or 'configuration'}: {setting + ': ' if setting else ''}{message}")
        raise ConfigError(problems) from exc
