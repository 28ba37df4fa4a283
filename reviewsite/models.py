"""What the apps' models share."""


class StoredCountsMixin:
    """A model with counts kept by a service (`stored_counts`), which a plain `save()` of a
    row read from the database leaves alone: a form or an editor's save holds the counts as
    they were when the row was read, and writing them back would undo whatever was counted in
    between. (A row built by hand with the pk of an existing one is a new row to Django and is
    saved whole.)"""

    stored_counts: tuple[str, ...] = ()

    def save(self, *args, **kwargs) -> None:
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            skipped = {*self.stored_counts, *self.get_deferred_fields()}
            kwargs["update_fields"] = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key
                and field.name not in skipped
                and field.attname not in skipped
            ]
        super().save(*args, **kwargs)
