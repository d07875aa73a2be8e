"""Typed keys of what the application holds (aiohttp ``AppKey``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web

from vikno.flows.channels import ChannelRegistry
from vikno.flows.engine import Engine
from vikno.flows.queue_news import QueueNews
from vikno.flows.safety_check import SafetyChecks
from vikno.handoff.console.live import ConsoleHub
from vikno.handoff.service import Handoff
from vikno.storage.port import Store

from .config import Settings
from .ratelimits import EdgeLimits

ENGINE = web.AppKey("engine", Engine)
STORE = web.AppKey("store", Store)
SETTINGS = web.AppKey("settings", Settings)
STORE_READY = web.AppKey("store_ready", asyncio.Event)
NLU_STATE = web.AppKey("nlu_state", dict[str, Any])
CHANNELS = web.AppKey("channels", list)
CONSOLE_HUB = web.AppKey("console_hub", ConsoleHub)
HANDOFF = web.AppKey("handoff", Handoff)
#: What each mounted channel can do, and how a stored message reaches its person (flows/channels.py).
CHANNEL_REGISTRY = web.AppKey("channel_registry", ChannelRegistry)
QUEUE_NEWS = web.AppKey("queue_news", QueueNews)
#: client_address(request): the client as every limit counts it: the peer, or the client a trusted
#: proxy names, an IPv6 address as its /64 (``bots.addresses.TrustedProxies.limit_key``).
CLIENT_ADDRESS = web.AppKey[Callable[[web.Request], str]]("client_address")
EDGE_LIMITS = web.AppKey("edge_limits", EdgeLimits)
SAFETY_CHECKS = web.AppKey("safety_checks", SafetyChecks)
#: await app[CONTENT_RELOAD](): load, check and take the helplines' content again (SIGHUP, vikno reload).
CONTENT_RELOAD = web.AppKey[Callable[[], Coroutine[Any, Any, bool]]]("content_reload")
