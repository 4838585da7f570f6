"""Per-key caches of what a call's signature decides (plans' signatures,
direct geometries, prices, filter taps): kept in plain dicts, emptied
whole when full, so the memory they hold is bounded and the common case
(a program calling with a few signatures over and over) keeps everything."""


def keep(cache, key, value, limit):
    """`cache[key] = value`, after emptying `cache` when it already holds
    `limit` entries; returns `value`."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
