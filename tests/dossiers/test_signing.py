"""Signed evidence bundles: bundle_verify accepts a bundle as made and names what was changed."""

import base64
import hashlib
import io
import json
import struct
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from apps.dossiers import signing
from apps.dossiers.renderers.bundle import render_bundle
from apps.dossiers.selectors import bundle_originals, dossier_content


def _bundle(kim) -> bytes:
    content = dossier_content(case=kim.case, level="public")
    return render_bundle(content, bundle_originals(content))


def _rewrite(data: bytes, changes: dict[str, bytes]) -> bytes:
    """The same ZIP with some entries' bytes replaced (stored uncompressed, valid CRCs)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, changes.get(info.filename, source.read(info.filename)))
    return out.getvalue()


def _verify(tmp_path, data: bytes, *args) -> str:
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("bundle_verify", str(path), *args, stdout=out)
    return out.getvalue()


def test_a_bundle_as_made_verifies_with_the_installations_key(kim, tmp_path):
    output = _verify(tmp_path, _bundle(kim))
    key_id = signing.key_id(signing.signing_key().public_key())
    assert f"signed with key {key_id}" in output and "verifies" in output


def test_the_manifest_names_the_key_and_the_signature_is_over_its_bytes(kim):
    with zipfile.ZipFile(io.BytesIO(_bundle(kim))) as archive:
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("manifest.sig")
        verify_steps = archive.read("VERIFY.txt").decode()
    manifest = json.loads(manifest_bytes)
    public = signing.signing_key().public_key()
    assert manifest["signature"] == {
        "algorithm": "Ed25519",
        "key_id": signing.key_id(public),
        "file": "manifest.sig",
    }
    public.verify(signature, manifest_bytes)  # raises if it does not hold
    assert signing.public_pem(public) in verify_steps and "openssl pkeyutl -verify" in verify_steps
    assert "VERIFY.txt" in [entry["path"] for entry in manifest["files"]]


def test_one_changed_byte_in_a_source_fails_and_names_the_file(kim, tmp_path):
    data = _bundle(kim)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        name = next(n for n in archive.namelist() if n.startswith("sources/"))
        text = bytearray(archive.read(name))
    text[0] ^= 0x01
    with pytest.raises(CommandError) as refused:
        _verify(tmp_path, _rewrite(data, {name: bytes(text)}))
    message = str(refused.value)
    assert "does NOT verify" in message and f"{name} has been changed" in message
    assert "signature" not in message  # the manifest itself is intact


def test_a_changed_byte_in_the_compressed_file_is_caught(kim, tmp_path):
    data = bytearray(_bundle(kim))
    data[200] ^= 0xFF  # inside the first entry's compressed data: the PDF
    with pytest.raises(CommandError) as refused:
        _verify(tmp_path, bytes(data))
    assert ".pdf" in str(refused.value)


def test_every_changed_byte_in_the_compressed_pdf_is_a_named_problem_never_a_crash(kim):
    # A flipped byte in deflated data fails in one of two ways, by where it falls: the inflater
    # refuses the stream (zlib.error: mostly in the block headers, at the start) or the inflated
    # bytes miss the CRC (BadZipFile). Both must be reported as the file's problem, not raised
    # out of the check. Every byte of the stream's start, where both kinds fall.
    data = _bundle(kim)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entry = next(info for info in archive.infolist() if info.filename.endswith(".pdf"))
    assert entry.compress_type == zipfile.ZIP_DEFLATED
    header_name_length, header_extra_length = struct.unpack(
        "<HH", data[entry.header_offset + 26 : entry.header_offset + 30]
    )
    start = entry.header_offset + 30 + header_name_length + header_extra_length
    keys = [signing.signing_key().public_key()]
    reasons = set()
    for position in range(start, start + min(entry.compress_size, 160)):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        result = signing.verify_bundle(bytes(damaged), public_keys=keys)
        assert not result.ok
        named = [problem for problem in result.problems if entry.filename in problem]
        assert named, (position, result.problems)
        reasons.add("CRC" if "CRC" in named[0] else "inflate" if "Error -3" in named[0] else named[0])
    assert {"CRC", "inflate"} <= reasons, reasons


def test_a_manifest_changed_with_the_file_breaks_the_signature(kim, tmp_path):
    data = _bundle(kim)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        name = next(n for n in archive.namelist() if n.startswith("sources/"))
    forged = b"Kim was never refused."
    for entry in manifest["files"]:
        if entry["path"] == name:
            entry.update(sha256=hashlib.sha256(forged).hexdigest(), bytes=len(forged))
    forged_manifest = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    with pytest.raises(CommandError) as refused:
        _verify(tmp_path, _rewrite(data, {name: forged, "manifest.json": forged_manifest}))
    assert "The signature of manifest.json does not hold" in str(refused.value)


def test_another_key_fails_and_says_which_key_signed(kim, tmp_path):
    other = Ed25519PrivateKey.generate().public_key()
    pem = tmp_path / "other.pem"
    pem.write_text(signing.public_pem(other))
    with pytest.raises(CommandError) as refused:
        _verify(tmp_path, _bundle(kim), "--public-key", str(pem))
    key_id = signing.key_id(signing.signing_key().public_key())
    assert (
        f"signed with key {key_id}, which is not among the public keys given ({signing.key_id(other)})"
        in str(refused.value)
    )


def test_the_published_key_given_as_base64_verifies(kim, tmp_path):
    published = APIClient().get("/api/v1/signing-key/").json()
    assert _verify(tmp_path, _bundle(kim), "--public-key", published["public_key"]).count("verifies") == 1


def test_a_bundle_signed_before_a_rotation_still_verifies(kim, tmp_path, settings):
    data = _bundle(kim)
    old_public = base64.b64encode(signing.public_raw(signing.signing_key().public_key())).decode()
    settings.BUNDLE_SIGNING_KEY = signing.private_key_text(Ed25519PrivateKey.generate())
    settings.BUNDLE_SIGNING_KEYS_RETIRED = [old_public]
    assert "verifies" in _verify(tmp_path, data)
    keys = APIClient().get("/api/v1/signing-key/").json()["keys"]
    assert [key["current"] for key in keys] == [True, False] and keys[1]["public_key"] == old_public


def test_an_unsigned_or_extra_file_is_named(kim, tmp_path):
    data = _bundle(kim)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if info.filename != "manifest.sig":
                target.writestr(info.filename, source.read(info.filename))
        target.writestr("extra.txt", b"slipped in")
    with pytest.raises(CommandError) as refused:
        _verify(tmp_path, out.getvalue())
    assert "no manifest.sig" in str(
        refused.value
    ) and "extra.txt is in the bundle but not in the manifest" in str(refused.value)


def test_the_signing_key_endpoint_is_public_and_names_the_key(db):
    response = APIClient().get("/api/v1/signing-key/")
    assert response.status_code == 200
    body = response.json()
    public = signing.signing_key().public_key()
    assert body["algorithm"] == "Ed25519" and body["key_id"] == signing.key_id(public)
    assert base64.b64decode(body["public_key"]) == signing.public_raw(public)
    assert body["public_key_pem"] == signing.public_pem(public)


def test_the_command_makes_a_key_that_signs(tmp_path, settings):
    out, err = io.StringIO(), io.StringIO()
    call_command("bundle_signing_key", stdout=out, stderr=err)
    key = signing.private_key_from_text(out.getvalue().strip())
    assert signing.key_id(key.public_key()) in err.getvalue()


def test_in_development_a_key_is_made_once_in_a_file_only_the_owner_reads(tmp_path, settings):
    settings.BUNDLE_SIGNING_KEY = ""
    settings.BUNDLE_SIGNING_KEY_FILE = tmp_path / ".local-bundle-signing-key"
    first = signing.key_id(signing.signing_key().public_key())
    assert signing.key_id(signing.signing_key().public_key()) == first
    assert settings.BUNDLE_SIGNING_KEY_FILE.stat().st_mode & 0o777 == 0o600


# The public key printed in the dossier ------------------------------------------------------

# tests/settings.py's fixed key (32 bytes of "t"): its public half, as the endpoint gives it.
PUBLIC_KEY = base64.b64encode(
    signing.public_raw(Ed25519PrivateKey.from_private_bytes(b"t" * 32).public_key())
).decode()


def _printed_key_checks(text: str) -> None:
    fingerprint = hashlib.sha256(base64.b64decode(PUBLIC_KEY)).hexdigest()
    flat = "".join(text.split())  # a long value may be broken across lines
    assert PUBLIC_KEY in flat
    assert fingerprint in flat  # grouped by four with spaces: whitespace removed, the whole hash
    assert fingerprint[:16] in text  # the key id
    assert "bundle_verify" in text and "/api/v1/signing-key/" in text


def test_the_cover_names_the_key_that_signs_the_bundle_with_its_fingerprint(kim):
    key = dossier_content(case=kim.case, level="public")["cover"]["signing_key"]

    fingerprint = hashlib.sha256(base64.b64decode(PUBLIC_KEY)).hexdigest()
    assert key == {
        "key_id": fingerprint[:16],
        "algorithm": "Ed25519",
        "public_key": PUBLIC_KEY,
        "fingerprint": " ".join(fingerprint[i : i + 4] for i in range(0, 64, 4)),
        "verify": key["verify"],
    }
    assert key["public_key"] == APIClient().get("/api/v1/signing-key/").json()["keys"][0]["public_key"]
    assert key["verify"].startswith("The evidence bundle (ZIP) of this dossier is signed with this key")


def test_the_html_dossier_prints_the_public_key_fingerprint_and_how_to_verify(kim):
    from apps.dossiers.renderers.html import render_html

    _printed_key_checks(render_html(dossier_content(case=kim.case, level="public")))


def test_the_pdf_dossier_prints_the_public_key_on_its_cover(kim, tmp_path):
    from apps.dossiers.renderers.pdf import render_pdf
    from tests.dossiers.conftest import pdf_text

    text = pdf_text(render_pdf(dossier_content(case=kim.case, level="public")), tmp_path)
    _printed_key_checks(text)
    assert text.index("Key fingerprint") < text.index("Summary")  # on the cover


def test_the_docx_dossier_prints_the_public_key(kim):
    from apps.dossiers.renderers.docx import render_docx
    from tests.dossiers.conftest import docx_parts

    _printed_key_checks(
        docx_parts(render_docx(dossier_content(case=kim.case, level="public")))["word/document.xml"]
    )


def test_the_json_dossier_carries_the_key_in_its_metadata_and_its_digest(kim, settings):
    from apps.dossiers.renderers.jsonfile import render_json
    from apps.dossiers.selectors import content_digest

    content = dossier_content(case=kim.case, level="public")
    parsed = json.loads(render_json(content))
    assert parsed["cover"]["signing_key"]["public_key"] == PUBLIC_KEY
    _printed_key_checks(json.dumps(parsed["cover"]["signing_key"]))
    assert content_digest(parsed) == parsed["cover"]["digest"]
    # After a rotation the same data is another dossier: a stored render never shows the old key.
    settings.BUNDLE_SIGNING_KEY = base64.b64encode(b"u" * 32).decode()
    assert dossier_content(case=kim.case, level="public")["cover"]["digest"] != content["cover"]["digest"]
