"""Audio and video as native controls with validated types."""

from __future__ import annotations

import base64

from bai_media import handle_all

WAV = base64.b64encode(b"RIFF\x24\x00\x00\x00WAVEfmt ").decode()


def test_audio_from_data_uri_and_base64() -> None:
    html = handle_all([("audio/ogg", "data:audio/ogg;base64," + WAV), ("audio/wav", WAV), ("video/mp4", WAV)], "a")
    assert html.count("<audio class=\"bai-media-audio\" controls") == 2
    assert f'src="data:audio/wav;base64,{WAV}"' in html and "<video" in html


def test_types_and_payloads_are_validated() -> None:
    html = handle_all([("audio/x-evil", WAV), ("audio/ogg", "data:text/html;base64," + WAV), ("audio/ogg", "???")], "a")
    assert html.count("bai-media-error") == 3 and "<audio" not in html
    assert "the data is not valid base64" in html  # the decoder's own words, shown for the item
