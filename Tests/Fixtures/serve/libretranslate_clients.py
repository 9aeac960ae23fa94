"""Two real LibreTranslate clients from PyPI pointed at s2s-serve: prints
what each got, as JSON, for ServeClientTests to check.
Usage: python libretranslate_clients.py PORT"""
import json
import sys

from deep_translator import LibreTranslator
from libretranslatepy import LibreTranslateAPI

url = f"http://127.0.0.1:{int(sys.argv[1])}/"
api = LibreTranslateAPI(url)
deep = LibreTranslator(source="en", target="es", custom_url=url, api_key="unused")
print(json.dumps({
    "libretranslatepy": api.translate("ba ce di", "en", "es"),
    "libretranslatepy_languages": api.languages(),
    "deep_translator": deep.translate("fo gu"),
    "deep_translator_batch": deep.translate_batch(["ba ce di", "fo gu"]),
}))
