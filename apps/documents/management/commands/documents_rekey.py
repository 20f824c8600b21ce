"""Rewrite every stored document with the newest DOCUMENTS_KEY (after a new key was put first)."""

from django.core.management.base import BaseCommand

from apps.documents import storage
from apps.documents.models import Document
from apps.documents.services import TamperedDocument, document_content


class Command(BaseCommand):
    help = "Re-encrypt every document's file with the first DOCUMENTS_KEY; checks each file's SHA-256 first."

    def handle(self, *args, **options):
        done = damaged = 0
        for document in Document.objects.defer("text").iterator():
            try:
                document_content(document=document)  # decrypts with any key and checks the hash
            except TamperedDocument as error:
                damaged += 1
                self.stderr.write(f"damaged  {document.public_id} “{document.title}”: {error}")
                continue
            storage.stored_rekey(document.storage_name)
            done += 1
        self.stdout.write(
            f"{done} document(s) rewritten with the newest key; {damaged} damaged (left as they are)."
        )
        if damaged:
            raise SystemExit(1)
