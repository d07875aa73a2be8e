"""The operator console: pages, JSON reads, actions and a live socket under /console.

``setup_console(app, console)`` mounts it on the application built by
``vikno.bots.app.build_app``, which gathers the console's parts
(``context.Console``); ``live.ConsoleHub`` carries the nudges.
"""

from .setup import RELEASE_AFTER, RELEASE_EVERY, console_routes, setup_console

__all__ = ["RELEASE_AFTER", "RELEASE_EVERY", "console_routes", "setup_console"]
