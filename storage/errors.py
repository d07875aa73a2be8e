"""Errors the storage port raises, the same for every adapter."""


class StorageError(Exception):
    """Base class of everything the storage port raises on purpose."""


class StoreUnavailable(StorageError):
    """The database cannot be reached; the caller must not acknowledge input."""


class StoreDamaged(StorageError):
    """The database file is damaged; the message says what to do. Retrying will not help."""


class Conflict(StorageError):
    """Someone else changed the document since it was read; reload and retry."""


class ConfigurationError(StorageError):
    """The store was configured wrongly; the message says what to fix."""


class AlreadyExists(StorageError):
    """A unique value (an operator's login, say) is taken."""


class Duplicate(StorageError):
    """This platform message was stored already (a platform retried it).

    ``existing`` is the stored message; when it is handled, its replies are
    the answer, when not, the turn is run again for it.
    """

    def __init__(self, existing: object) -> None:
        super().__init__("this message was received already")
        self.existing = existing
