"""Pages of long lists whose length is stored, so that no page view counts the rows."""

from django.core import paginator
from django.utils.functional import cached_property

# Past this, a page number is past the end of any list (and its offset past what a database
# takes): the first page answers.
MAX_COUNTLESS_PAGE = 100_000


class StoredCountPaginator(paginator.Paginator):
    """A paginator told how many rows the list has (a count stored on a film, a critic, a
    member), instead of counting them.

    With `count=None` (a filter no stored count answers) it never counts: each page reads one
    row more than it shows to know whether a next page follows, and the pagination bar offers
    only Previous and Next.
    """

    def __init__(self, object_list, per_page, *, count: int | None) -> None:
        super().__init__(object_list, per_page)
        self.stored_count = count

    @cached_property
    def count(self) -> int | None:
        return self.stored_count

    @property
    def is_countless(self) -> bool:
        return self.stored_count is None

    def validate_number(self, number) -> int:
        if not self.is_countless:
            return super().validate_number(number)
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise paginator.PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise paginator.EmptyPage("That page number is less than 1")
        if number > MAX_COUNTLESS_PAGE:
            raise paginator.EmptyPage("That page is past the end")
        return number

    def get_page(self, number) -> paginator.Page:
        if not self.is_countless:
            return super().get_page(number)
        try:
            number = self.validate_number(number)
        except (paginator.PageNotAnInteger, paginator.EmptyPage):
            number = 1
        page = self.page(number)
        if not page.object_list and number > 1:
            return self.page(1)  # past the end, which is not known: the list's first page
        return page

    def page(self, number) -> paginator.Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.is_countless:
            # Not cut at the count, so that rows it missed would still show.
            return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        return CountlessPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


class CountlessPage(paginator.Page):
    """A page that knows whether another follows it, not how many do."""

    def __init__(self, object_list, number, paginator, *, more: bool) -> None:
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more
