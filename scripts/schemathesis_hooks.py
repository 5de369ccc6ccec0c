"""Teaches schemathesis the media types of `astana serve` it does not know: archives (scenario
upload and download) and TOML (posted games and domains), sent as generated."""

import schemathesis


@schemathesis.serializer("application/zip", "application/gzip")
def archive(ctx, value):
    if isinstance(value, bytes):
        return value
    data = getattr(value, "data", None)
    if isinstance(data, bytes):
        return data
    return str(value).encode()


@schemathesis.deserializer("application/zip")
def zip_archive(ctx, response):
    body = response.content
    if not body.startswith(b"PK"):
        raise ValueError("not a zip archive")
    # Checked against `type: string, format: binary`.
    return body.decode("latin-1")


@schemathesis.serializer("application/toml")
def toml_text(ctx, value):
    # A game or a domain posted as TOML text (POST /api/power, /api/mediate/analyze).
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode()
