"""Teaches schemathesis the archive media types of `astana serve` (scenario upload and
download): bodies are sent as the bytes generated, downloads must be zip archives."""

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
