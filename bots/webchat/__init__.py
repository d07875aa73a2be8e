"""The embeddable web chat: a widget, a full-page chat and their websocket."""

from .hub import WebchatHub
from .routes import ABILITIES, WEBCHAT_HUB, WebchatChannel, mount

__all__ = ["ABILITIES", "WEBCHAT_HUB", "WebchatChannel", "WebchatHub", "mount"]
