"""Check the audit chains: ``manage.py audit_verify`` (nightly; docs/deployment.md).

Walks every hash chain (apps.core.custody) and the rows it seals: the access log and every
change history. Prints each chain's length and head (keep that output elsewhere: a head that
went back is a truncation) and, on a break, the first broken place precisely — table, link,
row, expected and found — then the others. Exits 1 when any chain is broken.
"""

from django.core.management.base import BaseCommand, CommandError

from apps.core.custody import audit_verify


class Command(BaseCommand):
    help = "Verify the hash chains of the access log and the change history; exit 1 on a break."

    def add_arguments(self, parser):
        parser.add_argument("chains", nargs="*", help="Only these chains (table names); all by default.")
        parser.add_argument("--database", default="default")
        parser.add_argument("--limit", type=int, default=20, help="Breaks printed per chain (default 20).")

    def handle(self, *args, chains, database, limit, **options):
        try:
            reports = audit_verify(chains=chains or None, using=database)
        except ValueError as error:
            raise CommandError(str(error)) from error
        broken = [report for report in reports if report.breaks]
        for report in reports:
            state = f"BROKEN ({len(report.breaks)})" if report.breaks else "ok"
            self.stdout.write(
                f"{report.chain}: {state}, {report.links} links, {report.rows} rows, "
                f"head #{report.head_seq} {report.head or '-'}"
            )
        if broken:
            first = min((report.breaks[0] for report in broken), key=lambda item: (item.chain, item.seq or 0))
            self.stderr.write(f"First break: {first}")
            for report in broken:
                for item in report.breaks[:limit]:
                    self.stderr.write(f"  {item}")
                if len(report.breaks) > limit:
                    self.stderr.write(f"  … and {len(report.breaks) - limit} more in {report.chain}")
            raise CommandError(f"{len(broken)} of {len(reports)} audit chains are broken.", returncode=1)
        self.stdout.write(self.style.SUCCESS(f"All {len(reports)} audit chains verify."))
