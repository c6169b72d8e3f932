"""Who controls a link's host: its registrable domain (eTLD+1) by the Public Suffix List.

``zxfw.court.gov.cn.example.top`` belongs to whoever registered ``example.top``, and only the
list knows that anyone may register under ``com.cn`` or ``cn.com`` while ``court.gov.cn`` is a
single registration under ``gov.cn``.  The list ships inside ``publicsuffixlist`` (MPL-2.0)
and is read from the package, never fetched; it is parsed on the first link, not on import,
so messages without links do not pay for it.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: A dotted IPv4 address: a host of its own, with no registrable domain.
IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


@lru_cache(maxsize=1)
def _suffix_list():
    from publicsuffixlist import PublicSuffixList  # lazy: about 40 ms, once a process

    return PublicSuffixList()


@lru_cache(maxsize=1024)  # hosts repeat across messages; a hostile one is ≤ 5,000 chars
def split_host(host: str) -> tuple[str, str]:
    """``(public suffix, registrable domain)`` of a lower-case host name.

    The registrable domain is ``""`` when the host is itself a public suffix (``gov.cn``)
    or not a host name at all; the suffix is then the host.  Unknown top-level domains
    count as public suffixes, as browsers count them."""
    domain = _suffix_list().privatesuffix(host) or ""
    return (domain.split(".", 1)[1] if domain else host), domain


def registrable(host: str) -> str:
    """The registrable domain of a host (``case-view.xyz`` for
    ``jysd.10102368.com.case-view.xyz``); an IP address or a bare public suffix is its own."""
    host = host.lower().rstrip(".")
    if IPV4.fullmatch(host):
        return host
    return split_host(host)[1] or host
