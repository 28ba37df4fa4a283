"""What the apps' models share."""


class StoredCountsMixin:
    """A model with counts kept by a service (`stored_counts`), which a plain `save()` of the
    row leaves alone: a form or an editor's save holds the counts as they were when the row
    was read, and writing them back would undo whatever was counted in between."""

    stored_counts: tuple[str, ...] = ()

    def save(self, *args, **kwargs) -> None:
        if (
            not self._state.adding
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in self.stored_counts
            ]
        super().save(*args, **kwargs)
