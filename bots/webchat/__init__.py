"""The embeddable web chat: a widget, a full-page chat and their websocket."""

from .hub import WebchatHub
from .routes import WEBCHAT_HUB, WebchatChannel

__all__ = ["WEBCHAT_HUB", "WebchatChannel", "WebchatHub"]
