from django.core.management.base import CommandError

from access.actions import revoke_key
from access.keys import canonical_chars, key_prefix
from access.models import AccessKey
from ic_core.commands import OperatorCommand, iso


def prefix_from(typed):
    """Accept the prefix as shown (K7QF), or a whole key someone pasted."""
    return key_prefix(canonical_chars(typed))


class Command(OperatorCommand):
    help = "Revoke a key by its prefix or id. Its sessions stop at their next request."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--prefix")
        which.add_argument("--id", type=int)

    def handle(self, *args, **options):
        if options["id"] is not None:
            matches = list(AccessKey.objects.filter(pk=options["id"]))
            described = f"id {options['id']}"
        else:
            prefix = prefix_from(options["prefix"])
            matches = list(AccessKey.objects.filter(prefix=prefix))
            described = f"prefix {prefix}"
        if not matches:
            raise CommandError(f"No key has {described}.")
        if len(matches) > 1:
            ids = ", ".join(str(k.pk) for k in matches)
            raise CommandError(f"{len(matches)} keys have {described} (ids {ids}); use --id.")
        key = revoke_key(matches[0])
        data = {"id": key.pk, "prefix": key.prefix, "revoked_at": iso(key.revoked_at)}
        self.emit(options, data, f"Revoked key {key.prefix}-… (id {key.pk}, {key.label}).")
