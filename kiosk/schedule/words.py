"""The booking site's words: the catalogue's `web` namespace (kiosk/ui/strings.yaml), read through
the one loader, in the language of the request being answered.

A page is Chinese unless the visitor chose English (`?lang=en`, then kept in a cookie: the
SiteLanguage middleware). The language lives in a context variable, so the service's error
messages, the pages and the API all speak the language of the request they answer, and a table of
names (weekdays, statuses, zones) is looked up when it is read, never frozen at import.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import TypeVar

from kiosk.ui.strings import Strings

SITE_LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
_lang: ContextVar[str] = ContextVar("site_lang", default=DEFAULT_LANG)

K = TypeVar("K")


def site_lang() -> str:
    """The language of the request being answered (Chinese outside a request)."""
    return _lang.get()


def set_site_lang(lang: str) -> None:
    """Answer the rest of this request (this context) in lang; an unknown language is ignored."""
    if lang in SITE_LANGS:
        _lang.set(lang)


def say(key: str, namespace: str = "web", **values: object) -> str:
    """A word of the site in the request's language, its {values} filled in."""
    return Strings(_lang.get(), namespace=namespace)(key, **values)


class Named(Mapping[K, str]):
    """Names looked up in the request's language each time they are read: Named({1: "weekday_1"})."""

    def __init__(self, keys: Mapping[K, str], namespace: str = "web", **values: object):
        self._keys = dict(keys)
        self._namespace = namespace
        self._values = values  # filled into every name, e.g. max=9

    def __getitem__(self, item: K) -> str:
        return say(self._keys[item], self._namespace, **self._values)

    def __iter__(self) -> Iterator[K]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def every_language(self) -> str:
        """All the names in every language, e.g. for the characters a font must hold."""
        return "".join(Strings(lang, namespace=self._namespace)(key, **self._values) for key in self._keys.values()
                       for lang in SITE_LANGS)
